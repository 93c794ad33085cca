import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** Who a staff message goes to: one user, every user of a tenant, or every user of the platform. */
export type MessageAudience = 'user' | 'tenant' | 'all';

/** A message staff composed; each recipient gets his own inbox copy (`InboxMessage.messageId`) with its read state. */
export class StaffMessage {
  id: string = randomUUID();
  senderId!: string;
  senderEmail!: string;
  audience!: MessageAudience;
  userId?: string | null;
  tenantId?: string | null;
  title!: string;
  body!: string;
  recipients = 0;
  createdAt: Date = new Date();
}

export const StaffMessageSchema = new EntitySchema<StaffMessage>({
  class: StaffMessage,
  tableName: 'staff_messages',
  properties: {
    id: { type: 'string', length: 36, primary: true },
    senderId: { type: 'string', length: 36 },
    senderEmail: { type: 'string', length: 254 },
    audience: { type: 'string', length: 8 },
    userId: { type: 'string', length: 36, nullable: true },
    tenantId: { type: 'string', length: 36, nullable: true },
    title: { type: 'string', length: 200 },
    body: { type: 'text' },
    recipients: { type: 'integer' },
    createdAt: { type: 'datetime', index: true },
  },
});
