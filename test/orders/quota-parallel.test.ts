import { QuotaReservation } from '../../domain/entities';
import { startOrderRig, type OrderRig } from './support';
import { eventually } from '../support/eventually';

describe('quota reservation under concurrent submissions', () => {
  let rig: OrderRig;
  beforeAll(async () => {
    rig = await startOrderRig();
  });
  afterAll(async () => rig?.close());

  it('accepts exactly as many orders as the quota fits; the others get 422 naming the quota and its numbers', async () => {
    const { p, operator } = rig;
    const user = await p.tenantUser();
    // 2 vCPUs per server: 5 servers fit 10 vCPUs; instances are not the binding limit.
    const set = await p.call('PUT', `/api/v1/quotas/${user.tenantId}`, {
      token: operator,
      body: { vcpus: 10, instances: 100 },
    });
    expect(set.status).toBe(200);
    expect(set.body.limits.vcpus).toBe(10);

    const body = { items: [{ kind: 'server', name: 'par', flavorId: rig.flavorId, imageId: rig.imageId }] };
    const results = await Promise.all(
      Array.from({ length: 20 }, () => p.call('POST', '/api/v1/orders', { token: user.token, body })),
    );
    const accepted = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 422);
    expect(accepted).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const r of refused) {
      expect(r.body.message).toMatch(/quota vcpus exceeded: limit 10, used 0, reserved 10, requested 2/);
      expect(r.body.details[0]).toMatchObject({
        path: 'quota.vcpus',
        resource: 'vcpus',
        limit: 10,
        used: 0,
        reserved: 10,
        requested: 2,
      });
    }
    const quota = await p.call('GET', `/api/v1/quotas/${user.tenantId}`, { token: user.token });
    expect(quota.body.reserved).toMatchObject({ instances: 5, vcpus: 10, ramMb: 5 * 2048 });
    // Only the accepted orders exist and hold reservations: nothing half-made for the refused ones.
    const orders = await p.call('GET', '/api/v1/orders?limit=100', { token: user.token });
    expect(orders.body.total).toBe(5);
    expect(await p.db.orm.em.fork().count(QuotaReservation, { tenantId: user.tenantId, state: 'reserved' })).toBe(5);

    // Cancelling one gives its share back, so exactly one more fits.
    const cancel = await p.call('POST', `/api/v1/orders/${accepted[0].body.id}/cancel`, {
      token: user.token,
      body: { reason: 'changed my mind' },
    });
    expect(cancel.status).toBe(200);
    const again = await eventually(
      async () => (await p.call('POST', '/api/v1/orders', { token: user.token, body })).status,
      (s) => s === 201,
    );
    expect(again).toBe(201);
    expect((await p.call('POST', '/api/v1/orders', { token: user.token, body })).status).toBe(422);
  });
});
