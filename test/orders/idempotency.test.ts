import { Order, OrderIdempotencyKey, QuotaReservation } from '../../domain/entities';
import { startOrderRig, type OrderRig } from './support';

describe('order submission with an Idempotency-Key', () => {
  let rig: OrderRig;
  beforeAll(async () => {
    rig = await startOrderRig();
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
});
