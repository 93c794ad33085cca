import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { DeliveryError } from './delivery-error';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Stable across retries of one delivery, so a receiving server can drop a repeat. */
  messageId?: string;
}

export interface Mailer {
  /** Sends one message; answers the SMTP Message-ID. */
  send(mail: OutgoingMail): Promise<string>;
  close(): void;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  message?: string;
}

/** SMTP 5xx refuses for good; 4xx, dropped connections and timeouts may pass later. */
export function classifyMailError(e: unknown): DeliveryError {
  const err = (e ?? {}) as SmtpError;
  const message = `SMTP: ${err.message ?? String(e)}`;
  if (typeof err.responseCode === 'number') return new DeliveryError(message, err.responseCode >= 500);
  if (err.code === 'EAUTH' || err.code === 'ECONFIG') return new DeliveryError(message, true);
  return new DeliveryError(message, false);
}

/** A nodemailer SMTP transport to `smtpUrl` (credentials, if any, sit in the URL and are never logged). */
export function createMailer(smtpUrl: string | undefined, from: string): Mailer {
  if (!smtpUrl) {
    return {
      async send() {
        throw new DeliveryError('e-mail is not configured (SMTP_URL)', true);
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    logger: false,
  } as SMTPTransport.Options);
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({
          from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          messageId: mail.messageId,
        });
        return String(info.messageId);
      } catch (e) {
        throw classifyMailError(e);
      }
    },
    close: () => transport.close(),
  };
}
