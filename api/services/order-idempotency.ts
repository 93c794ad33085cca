import { createHmac, hkdfSync, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { OrderIdempotencyKey } from '../../domain/entities';
import { processKeyring } from '../../domain/secrets/config-keys';
import type { Keyring } from '../../domain/secrets/keyring';
import { ApiError, badRequest, conflict } from '../lib/api-error';

/** What a submission under an Idempotency-Key does: answer as the first one did, or go on and record its answer. */
export type IdempotencyClaim = { replay: { status: number; body: unknown } } | { replay: null; token: string };

export interface IdempotencyPolicy {
  /** How long a key keeps its first answer. */
  windowMs: number;
  /**
   * A claim older than this without an answer was left by an API that died mid-submission: it may be taken over.
   * Well above the longest submission (ORDER_IDEMPOTENCY_ABANDONED_SECONDS, 10 min by default); should a live one
   * still be overtaken, its late answer or release is refused by the claim token and cannot touch the new claim.
   */
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

const hashKeys = new WeakMap<Buffer, Buffer>();

/** The HMAC key of request hashes, derived (HKDF) from keyring key `keyId`, never the sealing key itself; null if it is gone. */
function hashKey(ring: Keyring, keyId: string): Buffer | null {
  const master = ring.keys.get(keyId);
  if (!master) return null;
  let key = hashKeys.get(master);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'cmp order idempotency request hash', 32));
    hashKeys.set(master, key);
  }
  return key;
}

/**
 * The request's HMAC under keyring key `keyId` (the current one by default): the request carries secret-derived
 * fields (adminPass), so a plain hash in the row would open them to a dictionary attack. Null when that key is no
 * longer configured. The row keeps the key id beside the hash, so a key rotation within the window still matches.
 */
export function requestHash(body: unknown, ring: Keyring = processKeyring(), keyId = ring.current): string | null {
  const key = hashKey(ring, keyId);
  return key && createHmac('sha256', key).update(canonical(body)).digest('hex');
}

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
  body: unknown,
  policy: IdempotencyPolicy,
  ring: Keyring = processKeyring(),
): Promise<IdempotencyClaim> {
  const deadline = Date.now() + policy.waitMs;
  const hashKeyId = ring.current;
  const hash = requestHash(body, ring, hashKeyId)!;
  for (;;) {
    const token = randomUUID();
    try {
      await em.insert(OrderIdempotencyKey, {
        tenantId,
        idemKey,
        requestHash: hash,
        hashKeyId,
        claimToken: token,
        createdAt: new Date(),
      });
      return { replay: null, token };
    } catch (e) {
      if (!(e instanceof UniqueConstraintViolationException)) throw e;
    }
    const row = await em.fork().findOne(OrderIdempotencyKey, { tenantId, idemKey });
    if (!row) continue;
    const age = Date.now() - row.createdAt.getTime();
    if (age > policy.windowMs || (row.responseStatus == null && age > policy.abandonedMs)) {
      // Only the claim just read: a concurrent submission that took it over first keeps its own.
      await em.nativeDelete(OrderIdempotencyKey, { tenantId, idemKey, claimToken: row.claimToken });
      continue;
    }
    const rowHash = row.hashKeyId === hashKeyId ? hash : requestHash(body, ring, row.hashKeyId);
    if (row.requestHash !== rowHash)
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

/**
 * The submission holding claim `token` answered: its answer is kept for the retries within the window. False (and
 * nothing written) when its claim was taken over meanwhile: the answer of the submission holding it now stays.
 */
export async function recordIdempotentAnswer(
  em: EntityManager,
  tenantId: string,
  idemKey: string,
  token: string,
  answer: { orderId: string; status: number; body: unknown },
): Promise<boolean> {
  const n = await em.nativeUpdate(
    OrderIdempotencyKey,
    { tenantId, idemKey, claimToken: token, responseStatus: null },
    { orderId: answer.orderId, responseStatus: answer.status, responseBody: JSON.stringify(answer.body) },
  );
  return n > 0;
}

/** The submission holding claim `token` failed: the key is free again, so a retry submits anew (only its own claim). */
export async function releaseIdempotencyKey(
  em: EntityManager,
  tenantId: string,
  idemKey: string,
  token: string,
): Promise<boolean> {
  return (
    (await em.nativeDelete(OrderIdempotencyKey, { tenantId, idemKey, claimToken: token, responseStatus: null })) > 0
  );
}
