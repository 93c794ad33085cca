import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** An in-app message in one user's inbox. */
export class InboxMessage {
  id: string = randomUUID();
  userId!: string;
  tenantId?: string | null;
  title!: string;
  body!: string;
  link?: string | null;
  /** The delivery record that created it; unique, so a retried delivery finds its message. */
  notificationId?: string | null;
  /** The staff message this copy is of (null for notifications). */
  messageId?: string | null;
  createdAt: Date = new Date();
  readAt?: Date | null;
}

export const InboxMessageSchema = new EntitySchema<InboxMessage>({
  class: InboxMessage,
  tableName: 'inbox_messages',
  indexes: [{ properties: ['userId', 'createdAt'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    userId: { type: 'string', length: 36 },
    tenantId: { type: 'string', length: 36, nullable: true },
    title: { type: 'string', length: 200 },
    body: { type: 'text' },
    link: { type: 'string', length: 500, nullable: true },
    notificationId: { type: 'string', length: 36, nullable: true, unique: true },
    messageId: { type: 'string', length: 36, nullable: true, index: true },
    createdAt: { type: 'datetime' },
    readAt: { type: 'datetime', nullable: true },
  },
});
