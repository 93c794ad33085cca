import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { NotifyChannel, NotificationStatus } from '../notify/types';

/**
 * One delivery (one channel, one recipient) of a notification. Written before the provider is
 * called and updated after, so a retried activity finds it and never sends twice.
 */
export class NotificationRecord {
  id: string = randomUUID();
  channel!: NotifyChannel;
  /** E-mail address, E.164 number, or user id for the inbox. */
  recipient!: string;
  subject?: string | null;
  body!: string;
  /** The caller's key for the event; the same key within the window is delivered once per recipient. */
  dedupKey!: string;
  /** sha256 of dedupKey + channel + recipient. */
  deliveryKey!: string;
  /** Unique while a delivery holds its dedup window (queued or sent); null otherwise. */
  claim?: string | null;
  /** sha256 of the activity (workflow run + activity id) that owns the delivery, to recognise its retries. */
  ownerKey!: string;
  status: NotificationStatus = 'queued';
  attempts = 0;
  /** SMTP Message-ID, Twilio SID or inbox message id. */
  providerId?: string | null;
  error?: string | null;
  severity?: string | null;
  eventType?: string | null;
  workflowId?: string | null;
  contactId?: string | null;
  /** For a suppressed duplicate: the delivery that was made. */
  duplicateOf?: string | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
  sentAt?: Date | null;
}

export const NotificationRecordSchema = new EntitySchema<NotificationRecord>({
  class: NotificationRecord,
  tableName: 'notifications',
  indexes: [{ properties: ['deliveryKey', 'createdAt'] }, { properties: ['status', 'createdAt'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    channel: { type: 'string', length: 8 },
    recipient: { type: 'string', length: 254 },
    subject: { type: 'string', length: 255, nullable: true },
    body: { type: 'text' },
    dedupKey: { type: 'string', length: 200, index: true },
    deliveryKey: { type: 'string', length: 64 },
    claim: { type: 'string', length: 80, nullable: true, unique: true },
    ownerKey: { type: 'string', length: 64, index: true },
    status: { type: 'string', length: 16 },
    attempts: { type: 'integer', default: 0 },
    providerId: { type: 'string', length: 255, nullable: true },
    error: { type: 'string', length: 1000, nullable: true },
    severity: { type: 'string', length: 16, nullable: true },
    eventType: { type: 'string', length: 80, nullable: true },
    workflowId: { type: 'string', length: 255, nullable: true },
    contactId: { type: 'string', length: 36, nullable: true },
    duplicateOf: { type: 'string', length: 36, nullable: true },
    createdAt: { type: 'datetime', index: true },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
    sentAt: { type: 'datetime', nullable: true },
  },
});
