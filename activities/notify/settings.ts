import type { Config } from '../../config';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  from: string;
  /** Send to this base URL instead of https://api.twilio.com (the loopback sink, a proxy, a test double). */
  apiBaseUrl?: string;
}

/** What the notify activities need; workers build it from the configuration, tests from their loopback servers. */
export interface NotifySettings {
  smtpUrl?: string;
  mailFrom: string;
  twilio?: TwilioSettings;
  /** The same dedup key reaches one recipient at most once within this many seconds. */
  dedupWindowSeconds: number;
}

export const defaultDedupWindowSeconds = 900;

export function notifySettingsFromConfig(cfg: Config): NotifySettings {
  const twilio =
    cfg.TWILIO_ACCOUNT_SID && cfg.TWILIO_AUTH_TOKEN
      ? {
          accountSid: cfg.TWILIO_ACCOUNT_SID,
          authToken: cfg.TWILIO_AUTH_TOKEN,
          from: cfg.TWILIO_FROM,
          apiBaseUrl: cfg.TWILIO_API_BASE_URL,
        }
      : undefined;
  return {
    smtpUrl: cfg.SMTP_URL,
    mailFrom: cfg.MAIL_FROM,
    twilio,
    dedupWindowSeconds: cfg.NOTIFY_DEDUP_WINDOW_SECONDS,
  };
}
