import type { PageChannel, Severity } from '../../domain/notify/types';
import type { DeliveryResult } from './deliver-once';

export type { DeliveryResult } from './deliver-once';
export type { Severity } from '../../domain/notify/types';

interface Event {
  /** The same key reaches one recipient at most once within the dedup window (NOTIFY_DEDUP_WINDOW_SECONDS). */
  dedupKey: string;
  /** What happened, for the record: `alarm.fired`, `order.delivered`, `host.evacuated`, ... */
  eventType?: string;
}

export interface MailRequest extends Event {
  to: string;
  subject: string;
  body: string;
}

export interface SmsRequest extends Event {
  /** E.164. */
  to: string;
  body: string;
}

export interface InboxRequest {
  userId: string;
  title: string;
  body: string;
  link?: string;
  /** Defaults to one per activity execution, so its retries never post twice. */
  dedupKey?: string;
  eventType?: string;
}

export interface OnCallPage extends Event {
  subject: string;
  body: string;
  severity?: Severity;
  /**
   * Only this channel, to every on-duty contact with an address for it even when it is not among his channels (an
   * alarm's SMS escalation reaches the phones of contacts first paged by e-mail).
   */
  only?: PageChannel;
}

export interface PageResult {
  dedupKey: string;
  /** Contacts on duty for this severity when the page went out. */
  contacts: number;
  deliveries: DeliveryResult[];
}
