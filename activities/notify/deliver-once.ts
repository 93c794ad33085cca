import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import type { Orm } from '../../domain/db/orm';
import { NotificationRecord } from '../../domain/entities';
import { deliveryClaim, deliveryKey, ownerKey } from '../../domain/notify/delivery-key';
import type { NotifyChannel } from '../../domain/notify/types';
import { asDeliveryError } from './delivery-error';
import type { ActivityOwner } from './activity-owner';

export interface DeliveryRequest {
  channel: NotifyChannel;
  recipient: string;
  subject?: string | null;
  body: string;
  dedupKey: string;
  severity?: string | null;
  eventType?: string | null;
  contactId?: string | null;
}

export interface DeliveryResult {
  notificationId: string;
  channel: NotifyChannel;
  recipient: string;
  status: 'sent' | 'suppressed' | 'failed';
  providerId: string | null;
  /** For a suppressed delivery: the record of the one that was made. */
  duplicateOf: string | null;
  error: string | null;
}

/** Hands one recorded delivery to its provider; answers the provider's id or throws a DeliveryError. */
export type Transport = (record: NotificationRecord) => Promise<string>;

function resultOf(r: NotificationRecord): DeliveryResult {
  return {
    notificationId: r.id,
    channel: r.channel,
    recipient: r.recipient,
    status: r.status === 'queued' ? 'failed' : r.status,
    providerId: r.providerId ?? null,
    duplicateOf: r.duplicateOf ?? null,
    error: r.error ?? null,
  };
}

const clip = (s: string) => (s.length > 1000 ? `${s.slice(0, 997)}...` : s);

async function recordSuppressed(em: EntityManager, base: Partial<NotificationRecord>, original: NotificationRecord) {
  const r = Object.assign(new NotificationRecord(), base, {
    status: 'suppressed' as const,
    claim: null,
    duplicateOf: original.id,
  });
  await em.persistAndFlush(r);
  return resultOf(r);
}

/**
 * Delivers one message once. The record is written (and its dedup claim taken) before the provider
 * is called and marked sent after; a retry of the same activity finds its own record and does not
 * send again once sent; another sender of the same key within the window is recorded as suppressed.
 * Transient provider errors are rethrown for Temporal to retry; a permanent one marks the record
 * failed (freeing the key) and is answered as a `failed` result.
 */
export async function deliverOnce(
  orm: Orm,
  windowSeconds: number,
  who: ActivityOwner,
  req: DeliveryRequest,
  transport: Transport,
): Promise<DeliveryResult> {
  const em = orm.em.fork();
  const key = deliveryKey(req.dedupKey, req.channel, req.recipient);
  const owner = ownerKey(who.owner);
  let record = await em.findOne(
    NotificationRecord,
    { deliveryKey: key, ownerKey: owner },
    { orderBy: { createdAt: 'desc' } },
  );
  if (record && record.status !== 'queued') return resultOf(record);

  if (!record) {
    const now = new Date();
    const base: Partial<NotificationRecord> = {
      channel: req.channel,
      recipient: req.recipient,
      subject: req.subject ?? null,
      body: req.body,
      dedupKey: req.dedupKey,
      deliveryKey: key,
      ownerKey: owner,
      severity: req.severity ?? null,
      eventType: req.eventType ?? null,
      workflowId: who.workflowId,
      contactId: req.contactId ?? null,
      createdAt: now,
    };
    const since = new Date(now.getTime() - windowSeconds * 1000);
    const live = await em.findOne(
      NotificationRecord,
      { deliveryKey: key, status: { $in: ['queued', 'sent'] }, createdAt: { $gte: since } },
      { orderBy: { createdAt: 'desc' } },
    );
    if (live) return recordSuppressed(em, base, live);
    const claim = deliveryClaim(key, now, windowSeconds);
    record = Object.assign(new NotificationRecord(), base, { claim });
    try {
      await em.persistAndFlush(record);
    } catch (e) {
      if (!(e instanceof UniqueConstraintViolationException)) throw e;
      const fresh = orm.em.fork();
      const winner = await fresh.findOneOrFail(NotificationRecord, { claim });
      return recordSuppressed(fresh, base, winner);
    }
  }

  record.attempts += 1;
  await em.flush();
  try {
    record.providerId = await transport(record);
  } catch (e) {
    const failure = asDeliveryError(e);
    record.error = clip(failure.message);
    if (!failure.permanent) {
      await em.flush();
      throw failure;
    }
    record.status = 'failed';
    record.claim = null;
    await em.flush();
    return resultOf(record);
  }
  record.status = 'sent';
  record.sentAt = new Date();
  record.error = null;
  await em.flush();
  return resultOf(record);
}
