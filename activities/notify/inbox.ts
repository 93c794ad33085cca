import type { Orm } from '../../domain/db/orm';
import { InboxMessage, User } from '../../domain/entities';
import { ownerKey } from '../../domain/notify/delivery-key';
import { DeliveryError } from './delivery-error';
import type { Transport } from './deliver-once';
import type { ActivityOwner } from './activity-owner';
import type { InboxRequest } from './types';

/** Posts into a user's inbox; the message carries its record's id, so a retry finds it instead of posting again. */
export function inboxTransport(orm: Orm, req: InboxRequest): Transport {
  return async (record) => {
    const em = orm.em.fork();
    const existing = await em.findOne(InboxMessage, { notificationId: record.id });
    if (existing) return existing.id;
    const user = await em.findOne(User, { id: req.userId });
    if (!user) throw new DeliveryError(`inbox: no user ${req.userId}`, true);
    const message = Object.assign(new InboxMessage(), {
      userId: user.id,
      tenantId: user.tenantId ?? null,
      title: req.title.slice(0, 200),
      body: req.body,
      link: req.link?.slice(0, 500) ?? null,
      notificationId: record.id,
    });
    await em.persistAndFlush(message);
    return message.id;
  };
}

export function inboxDedupKey(req: InboxRequest, who: ActivityOwner): string {
  return req.dedupKey ?? `inbox:${ownerKey(who.owner)}`;
}
