import { UniqueConstraintViolationException, raw, type EntityManager } from '@mikro-orm/core';
import { createHash } from 'node:crypto';
import { RateLimitCounter } from '../../domain/entities';
import { ApiError } from '../lib/api-error';
import { clientAddress } from '../lib/client-address';
import type { Ctx } from '../deps';

export type LimitedAction = 'login' | 'register' | 'reset' | 'refresh';
export type LimitScope = 'address' | 'account';
export interface Limit {
  requests: number;
  seconds: number;
}
export type RateLimits = Record<`${LimitedAction}.${LimitScope}`, Limit | null>;

/** Requests per window of each limited action, per client address and per account (e-mail or user). */
export const defaultRateLimits: RateLimits = {
  'login.address': { requests: 30, seconds: 60 },
  'login.account': { requests: 10, seconds: 60 },
  'register.address': { requests: 10, seconds: 3600 },
  'register.account': { requests: 3, seconds: 3600 },
  'reset.address': { requests: 10, seconds: 3600 },
  'reset.account': { requests: 3, seconds: 3600 },
  'refresh.address': { requests: 120, seconds: 60 },
  'refresh.account': { requests: 60, seconds: 60 },
};

/** `RATE_LIMITS`: empty for the defaults, `off`, or overrides like `login.address=30/60,refresh.account=off`. */
export function parseRateLimits(spec: string): RateLimits {
  const limits: RateLimits = { ...defaultRateLimits };
  if (spec.trim() === 'off') {
    for (const key of Object.keys(limits) as (keyof RateLimits)[]) limits[key] = null;
    return limits;
  }
  for (const part of spec.split(',').filter(Boolean)) {
    const [key, value] = part.split('=') as [keyof RateLimits, string];
    if (!(key in limits)) throw new Error(`RATE_LIMITS: unknown limit ${key}`);
    const [requests, seconds] = value.split('/').map(Number);
    limits[key] = value === 'off' ? null : { requests, seconds };
  }
  return limits;
}

const parsed = new Map<string, RateLimits>();
function limitsOf(spec: string): RateLimits {
  let limits = parsed.get(spec);
  if (!limits) parsed.set(spec, (limits = parseRateLimits(spec)));
  return limits;
}

/**
 * Counts one request in the fixed window of a limit, atomically in the database (every API process
 * shares the count): a conditional increment below the limit, else the window's first insert. Answers
 * whether the request is within the limit.
 */
export async function hit(em: EntityManager, key: string, limit: Limit, now = Date.now()): Promise<boolean> {
  const windowMs = limit.seconds * 1000;
  const window = Math.floor(now / windowMs);
  const bucket = createHash('sha256').update(`${key}:${limit.seconds}:${window}`).digest('hex');
  const counted = () =>
    em.nativeUpdate(RateLimitCounter, { bucket, hits: { $lt: limit.requests } }, { hits: raw('hits + 1') });
  if ((await counted()) === 1) return true;
  if (await em.count(RateLimitCounter, { bucket })) return false;
  try {
    await em.insert(RateLimitCounter, { bucket, hits: 1, expiresAt: new Date((window + 1) * windowMs) });
    if (Math.random() < 0.01) await em.nativeDelete(RateLimitCounter, { expiresAt: { $lt: new Date(now) } });
    return limit.requests >= 1;
  } catch (e) {
    if (!(e instanceof UniqueConstraintViolationException)) throw e;
    return (await counted()) === 1;
  }
}

/**
 * Refuses the request with 429 (`rate_limited`, `Retry-After` the seconds until the window ends) when
 * its client address or the account it names has used up the action's limit. The account is given as
 * the caller names it (an e-mail whether or not it is registered), so the answer says nothing about
 * which accounts exist.
 */
export async function enforceRateLimit(
  c: Ctx,
  action: LimitedAction,
  account?: string | null,
  scopes: LimitScope[] = ['address', 'account'],
): Promise<void> {
  const limits = limitsOf(c.get('deps').config.RATE_LIMITS);
  const em = c.get('em');
  const subjects: [LimitScope, string | null | undefined][] = [
    ['address', clientAddress(c) ?? 'in-process'],
    ['account', account?.toLowerCase()],
  ];
  for (const [scope, subject] of subjects) {
    const limit = limits[`${action}.${scope}`];
    if (!limit || !subject || !scopes.includes(scope)) continue;
    if (await hit(em, `${action}:${scope}:${subject}`, limit)) continue;
    const windowMs = limit.seconds * 1000;
    const retryAfter = Math.max(1, Math.ceil((windowMs - (Date.now() % windowMs)) / 1000));
    c.header('Retry-After', String(retryAfter));
    throw new ApiError(429, 'rate_limited', `too many requests; try again in ${retryAfter} s`, {
      scope,
      limit: limit.requests,
      windowSeconds: limit.seconds,
      retryAfterSeconds: retryAfter,
    });
  }
}
