import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Order, OrderIdempotencyKey, QuotaReservation } from '../../domain/entities';
import { processKeyring } from '../../domain/secrets/config-keys';
import { newKeySpec, parseKeyring } from '../../domain/secrets/keyring';
import {
  claimIdempotencyKey,
  recordIdempotentAnswer,
  releaseIdempotencyKey,
  requestHash,
} from '../../api/services/order-idempotency';
import { startOrderRig, type OrderRig } from './support';

describe('order submission with an Idempotency-Key', () => {
  let rig: OrderRig;
  beforeAll(async () => {
    // A loaded machine may take more than the default 10 s for the first of six concurrent submissions: the retries
    // wait longer for its answer here, which keeps what the race test checks (one order, reservation and key row).
    rig = await startOrderRig({ env: { ORDER_IDEMPOTENCY_WAIT_SECONDS: '120' } });
  });
  afterAll(async () => rig?.close());

  const server = (name: string) => ({
    items: [{ kind: 'server', name, flavorId: rig.flavorId, imageId: rig.imageId }],
  });
  const submit = (token: string, body: unknown, key?: string) =>
    rig.p.call('POST', '/api/v1/orders', { token, body, headers: key ? { 'idempotency-key': key } : {} });
  const ordersOf = (tenantId: string) => rig.p.db.orm.em.fork().count(Order, { tenantId });

  it('a retry answers the first order (same status and body) and orders nothing more', async () => {
    const user = await rig.p.tenantUser();
    const first = await submit(user.token, server('once'), 'key-retry');
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await submit(user.token, server('once'), 'key-retry');
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await ordersOf(user.tenantId)).toBe(1);
    // Without a key every submission is an order of its own.
    expect((await submit(user.token, server('once'))).status).toBe(201);
    expect(await ordersOf(user.tenantId)).toBe(2);
  });

  it('the same key with another request is refused with 422 naming the first order', async () => {
    const user = await rig.p.tenantUser();
    const first = await submit(user.token, server('a'), 'key-reused');
    expect(first.status).toBe(201);
    const other = await submit(user.token, server('b'), 'key-reused');
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'idempotency_key_reused', details: { orderId: first.body.id } });
    expect(await ordersOf(user.tenantId)).toBe(1);
  });

  it('concurrent submissions under one key make one order, and every one answers it', async () => {
    const user = await rig.p.tenantUser();
    const results = await Promise.all(Array.from({ length: 6 }, () => submit(user.token, server('race'), 'key-race')));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(5);
    expect(await ordersOf(user.tenantId)).toBe(1);
    const em = rig.p.db.orm.em.fork();
    expect(await em.count(QuotaReservation, { tenantId: user.tenantId })).toBe(1);
    expect(await em.findOne(OrderIdempotencyKey, { tenantId: user.tenantId, idemKey: 'key-race' })).toMatchObject({
      orderId: results[0]!.body.id,
      responseStatus: 201,
    });
  });

  it('keys are per tenant: another tenant with the same key orders on its own', async () => {
    const [a, b] = [await rig.p.tenantUser(), await rig.p.tenantUser()];
    const ra = await submit(a.token, server('t'), 'key-shared');
    const rb = await submit(b.token, server('t'), 'key-shared');
    expect([ra.status, rb.status]).toEqual([201, 201]);
    expect(rb.body.id).not.toBe(ra.body.id);
    expect(rb.body.tenantId).toBe(b.tenantId);
  });

  it('a failed submission keeps nothing: the same key may be retried once it can succeed', async () => {
    const user = await rig.p.tenantUser();
    const quota = (vcpus: number) =>
      rig.p.call('PUT', `/api/v1/quotas/${user.tenantId}`, { token: rig.operator, body: { vcpus, instances: 10 } });
    expect((await quota(1)).status).toBe(200);
    const refused = await submit(user.token, server('later'), 'key-after-quota');
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/quota vcpus exceeded/);
    expect((await quota(10)).status).toBe(200);
    const accepted = await submit(user.token, server('later'), 'key-after-quota');
    expect(accepted.status).toBe(201);
    expect(accepted.headers.get('idempotent-replayed')).toBeNull();
    expect(await ordersOf(user.tenantId)).toBe(1);
  });

  it('a key that is not 1 to 255 visible ASCII characters is a 400', async () => {
    const user = await rig.p.tenantUser();
    const r = await submit(user.token, server('bad'), 'x'.repeat(256));
    expect(r.status).toBe(400);
    expect(await ordersOf(user.tenantId)).toBe(0);
  });

  it('keeps an HMAC of the request under a keyring key, not its plain SHA-256', async () => {
    const user = await rig.p.tenantUser();
    const body = server('hashed');
    expect((await submit(user.token, body, 'key-hashed')).status).toBe(201);
    const row = await rig.p.db.orm.em
      .fork()
      .findOneOrFail(OrderIdempotencyKey, { tenantId: user.tenantId, idemKey: 'key-hashed' });
    const ring = processKeyring();
    expect(row.hashKeyId).toBe(ring.current);
    expect(row.requestHash).toMatch(/^[0-9a-f]{64}$/);
    const sorted = JSON.stringify({ items: [Object.fromEntries(Object.entries(body.items[0]!).sort())] });
    for (const plain of [JSON.stringify(body), sorted])
      expect(row.requestHash).not.toBe(createHash('sha256').update(plain).digest('hex'));
    expect(row.requestHash).toBe(requestHash(body, ring, row.hashKeyId));
    // Another key hashes differently, and a key no longer configured cannot hash at all.
    const other = parseKeyring(newKeySpec('other-1'));
    expect(requestHash(body, other)).not.toBe(row.requestHash);
    expect(requestHash(body, other, row.hashKeyId)).toBeNull();
  });

  it('a retry still matches its request after a key rotation within the window', async () => {
    const em = rig.p.db.orm.em.fork();
    const tenantId = (await rig.p.tenantUser()).tenantId;
    const before = parseKeyring(newKeySpec('old-1'));
    const rotated = parseKeyring(`${newKeySpec('new-1')},old-1:${before.keys.get('old-1')!.toString('base64')}`);
    const policy = { windowMs: 3_600_000, abandonedMs: 3_600_000, waitMs: 0 };
    const body = { items: [{ kind: 'server', name: 'rotated' }] };
    const first = await claimIdempotencyKey(em, tenantId, 'key-rotated', body, policy, before);
    if (first.replay) throw new Error('the first claim replayed');
    await recordIdempotentAnswer(em, tenantId, 'key-rotated', first.token, {
      orderId: 'o-1',
      status: 201,
      body: { id: 'o-1' },
    });
    expect(await claimIdempotencyKey(em, tenantId, 'key-rotated', body, policy, rotated)).toEqual({
      replay: { status: 201, body: { id: 'o-1' } },
    });
    await expect(
      claimIdempotencyKey(em, tenantId, 'key-rotated', { items: [] }, policy, rotated),
    ).rejects.toMatchObject({ status: 422 });
  });

  it('a claim taken over cannot be overwritten or released by the late first submission', async () => {
    const em = rig.p.db.orm.em.fork();
    const tenantId = (await rig.p.tenantUser()).tenantId;
    const body = { items: [{ kind: 'server', name: 'slow' }] };
    const key = 'key-takeover';
    const row = () => rig.p.db.orm.em.fork().findOneOrFail(OrderIdempotencyKey, { tenantId, idemKey: key });
    const claim = (abandonedMs: number) =>
      claimIdempotencyKey(em, tenantId, key, body, { windowMs: 3_600_000, abandonedMs, waitMs: 0 });
    const record = (token: string, orderId: string) =>
      recordIdempotentAnswer(em, tenantId, key, token, { orderId, status: 201, body: { id: orderId } });
    // The first submission claims the key and is still running when its claim counts as abandoned.
    const slow = await claim(3_600_000);
    if (slow.replay) throw new Error('the first claim replayed');
    await sleep(20);
    const taker = await claim(10);
    if (taker.replay) throw new Error('the takeover replayed');
    expect(taker.token).not.toBe(slow.token);
    expect((await row()).claimToken).toBe(taker.token);
    // The first submission's late release and answer touch nothing.
    expect(await releaseIdempotencyKey(em, tenantId, key, slow.token)).toBe(false);
    expect(await record(slow.token, 'o-slow')).toBe(false);
    expect(await row()).toMatchObject({ claimToken: taker.token, orderId: null, responseStatus: null });
    // The submission holding the claim records its answer, which retries get; the late one still cannot replace it.
    expect(await record(taker.token, 'o-taker')).toBe(true);
    expect(await record(slow.token, 'o-slow')).toBe(false);
    expect(await releaseIdempotencyKey(em, tenantId, key, taker.token)).toBe(false);
    expect(await claim(10)).toEqual({ replay: { status: 201, body: { id: 'o-taker' } } });
  });
});
