import type { Transport } from './deliver-once';
import { createMailer } from './mail';
import type { NotifySettings } from './settings';
import { createSmsSender } from './sms';

export interface Transports {
  email: Transport;
  sms: Transport;
  close(): void;
}

/** SMS carries at most this much text (Twilio concatenates up to 1600 characters). */
const smsLimit = 1600;

export function createTransports(settings: NotifySettings): Transports {
  const mailer = createMailer(settings.smtpUrl, settings.mailFrom);
  const sms = createSmsSender(settings.twilio);
  return {
    email: (r) =>
      mailer.send({ to: r.recipient, subject: r.subject ?? '', text: r.body, messageId: `<${r.id}@cmp.notify>` }),
    sms: (r) => sms.send(r.recipient, r.body.length > smsLimit ? `${r.body.slice(0, smsLimit - 3)}...` : r.body),
    close: () => mailer.close(),
  };
}
