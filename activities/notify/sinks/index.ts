export { startMailSink, type MailSink, type MailSinkOptions, type MailFault, type ReceivedMail } from './mail-sink';
export { startSmsSink, type SmsSink, type SmsSinkOptions, type SmsFault, type ReceivedSms } from './sms-sink';
export { embeddedSmsCredentials, sinkNotifySettings } from './settings';
