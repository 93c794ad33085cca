import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { OrderIdempotencyKey } from '../../domain/entities';
import { ApiError, badRequest, conflict } from '../lib/api-error';

/** What a submission under an Idempotency-Key does: answer as the first one did, or go on and record its answer. */
export type IdempotencyClaim = { replay: { status: number; body: unknown } } | { replay: null };

export interface IdempotencyPolicy {
  /** How long a key keeps its first answer. */
  windowMs: number;
  /** A claim older than this without an answer was left by an API that died mid-submission: it may be taken over. */
  abandonedMs: number;
  /** How long a retry waits for the first submission, still running, to answer (409 after). */
  waitMs: number;
}

const keyPattern = /^[\x21-\x7e]{1,255}$/;

/** The header's value, checked: 1 to 255 visible ASCII characters (400 otherwise); null without the header. */
export function idempotencyKeyOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  if (!keyPattern.test(header)) throw badRequest('Idempotency-Key must be 1 to 255 visible ASCII characters');
  return header;
}

/** JSON with every object's keys sorted, so that the same request hashes the same however its keys were ordered. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

export const requestHash = (body: unknown): string => createHash('sha256').update(canonical(body)).digest('hex');

/**
 * Claims the key for this tenant, atomically in the database (the primary key is tenant and key): the first
 * submission inserts the claim and goes on; a retry with the same request gets the first answer (waiting while
 * the first is still running); the same key with another request is refused with 422. A claim past the window,
 * or left unanswered by a dead API past `abandonedMs`, is dropped and claimed again.
 */
export async function claimIdempotencyKey(
  em: EntityManager,
  tenantId: string,
  idemKey: string,
  hash: string,
  policy: IdempotencyPolicy,
): Promise<IdempotencyClaim> {
  const deadline = Date.now() + policy.waitMs;
  for (;;) {
    try {
      await em.insert(OrderIdempotencyKey, { tenantId, idemKey, requestHash: hash, createdAt: new Date() });
      return { replay: null };
    } catch (e) {
      if (!(e instanceof UniqueConstraintViolationException)) throw e;
    }
    const row = await em.fork().findOne(OrderIdempotencyKey, { tenantId, idemKey });
    if (!row) continue;
    const age = Date.now() - row.createdAt.getTime();
    if (age > policy.windowMs || (row.responseStatus == null && age > policy.abandonedMs)) {
      await em.nativeDelete(OrderIdempotencyKey, { tenantId, idemKey, createdAt: row.createdAt });
      continue;
    }
    if (row.requestHash !== hash)
      throw new ApiError(
        422,
        'idempotency_key_reused',
        'this Idempotency-Key was already used with a different request; use a new key for a new order',
        { orderId: row.orderId ?? null },
      );
    if (row.responseStatus != null)
      return { replay: { status: row.responseStatus, body: JSON.parse(row.responseBody!) } };
    if (Date.now() >= deadline)
      throw conflict('a submission with this Idempotency-Key is still being processed; retry shortly');
    await sleep(100);
  }
}

/** The first submission answered: its answer is kept for the retries within the window. */
export async function recordIdempotentAnswer(
  em: EntityManager,
  tenantId: string,
  idemKey: string,
  orderId: string,
  status: number,
  body: unknown,
): Promise<void> {
  await em.nativeUpdate(
    OrderIdempotencyKey,
    { tenantId, idemKey },
    { orderId, responseStatus: status, responseBody: JSON.stringify(body) },
  );
}

/** The first submission failed: the key is free again, so a retry submits anew. */
export async function releaseIdempotencyKey(em: EntityManager, tenantId: string, idemKey: string): Promise<void> {
  await em.nativeDelete(OrderIdempotencyKey, { tenantId, idemKey, responseStatus: null });
}
