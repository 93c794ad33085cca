import type { EntityManager } from '@mikro-orm/core';
import { InboxMessage, StaffMessage, Tenant, User, type MessageAudience, type UserStatus } from '../../domain/entities';
import { notFound } from '../lib/api-error';

/** Users who no longer receive anything: refused registrations and deregistered accounts. */
const silent: UserStatus[] = ['refused', 'deregistered'];

export interface Compose {
  audience: MessageAudience;
  /** Required with audience `user` (the route checks). */
  userId?: string;
  /** Required with audience `tenant`. */
  tenantId?: string;
  title: string;
  body: string;
}

async function recipients(em: EntityManager, m: Compose): Promise<User[]> {
  if (m.audience === 'user') {
    const user = await em.findOne(User, { id: m.userId!, status: { $nin: silent } });
    if (!user) throw notFound('user', m.userId);
    return [user];
  }
  if (m.audience === 'tenant') {
    if (!(await em.findOne(Tenant, { id: m.tenantId! }))) throw notFound('tenant', m.tenantId);
    return em.find(User, { tenantId: m.tenantId, status: { $nin: silent } });
  }
  return em.find(User, { status: { $nin: silent } });
}

/** Stores the message and one inbox copy per recipient (each with its own read state), in one transaction. */
export async function sendStaffMessage(
  em: EntityManager,
  sender: { userId: string; email: string },
  m: Compose,
): Promise<StaffMessage> {
  const to = await recipients(em, m);
  const message = Object.assign(new StaffMessage(), {
    senderId: sender.userId,
    senderEmail: sender.email,
    audience: m.audience,
    userId: m.audience === 'user' ? m.userId : null,
    tenantId: m.audience === 'tenant' ? m.tenantId : null,
    title: m.title,
    body: m.body,
    recipients: to.length,
  });
  await em.transactional(async (tx) => {
    tx.persist(message);
    for (const user of to) {
      tx.persist(
        Object.assign(new InboxMessage(), {
          userId: user.id,
          tenantId: user.tenantId ?? null,
          title: m.title,
          body: m.body,
          messageId: message.id,
          createdAt: message.createdAt,
        }),
      );
    }
  });
  return message;
}

/** How many recipients read each message (a page of messages: one count each). */
export async function readCounts(em: EntityManager, messageIds: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const id of messageIds) counts.set(id, await em.count(InboxMessage, { messageId: id, readAt: { $ne: null } }));
  return counts;
}
