import type { NotifySettings } from '../settings';
import type { MailSink } from './mail-sink';
import type { SmsSink } from './sms-sink';

/** What the embedded default sends with: the SMS sink accepts any token for the account in the path. */
export const embeddedSmsCredentials = { accountSid: 'ACembedded0000000000000000000000000', authToken: 'embedded-sink' };

/** Notify settings that send to running sinks (the embedded default, and tests). */
export function sinkNotifySettings(
  mail: MailSink,
  sms: SmsSink,
  overrides: Partial<NotifySettings> = {},
): NotifySettings {
  return {
    smtpUrl: mail.url,
    mailFrom: 'CMP <noreply@cmp.local>',
    twilio: { ...embeddedSmsCredentials, from: '+15005550006', apiBaseUrl: sms.url },
    dedupWindowSeconds: 900,
    ...overrides,
  };
}
