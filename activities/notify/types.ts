import type { Severity } from '../../domain/notify/types';
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
}

export interface PageResult {
  dedupKey: string;
  /** Contacts on duty for this severity when the page went out. */
  contacts: number;
  deliveries: DeliveryResult[];
}
