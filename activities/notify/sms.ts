import twilio from 'twilio';
import { DeliveryError } from './delivery-error';
import type { TwilioSettings } from './settings';
import { BaseUrlRequestClient } from './twilio-base-url';

export interface SmsSender {
  /** Sends one SMS; answers the Twilio message SID. */
  send(to: string, body: string): Promise<string>;
}

interface TwilioError {
  status?: number;
  code?: number | string;
  message?: string;
}

/** Twilio 4xx (bad number, bad credentials) refuses for good, except 429; 5xx and network errors may pass later. */
export function classifySmsError(e: unknown): DeliveryError {
  const err = (e ?? {}) as TwilioError;
  const detail = typeof err.code === 'number' ? ` (Twilio error ${err.code})` : '';
  const message = `Twilio: ${err.message ?? String(e)}${detail}`;
  if (typeof err.status === 'number')
    return new DeliveryError(message, err.status >= 400 && err.status < 500 && err.status !== 429);
  return new DeliveryError(message, false);
}

export function createSmsSender(settings: TwilioSettings | undefined): SmsSender {
  if (!settings) {
    return {
      async send() {
        throw new DeliveryError('SMS is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)', true);
      },
    };
  }
  const timeout = 15_000;
  const client = twilio(settings.accountSid, settings.authToken, {
    timeout,
    autoRetry: false,
    ...(settings.apiBaseUrl
      ? { httpClient: new BaseUrlRequestClient(settings.apiBaseUrl, { timeout, keepAlive: false }) }
      : {}),
  });
  return {
    async send(to, body) {
      try {
        const message = await client.messages.create({ to, from: settings.from, body });
        return message.sid;
      } catch (e) {
        throw classifySmsError(e);
      }
    },
  };
}
