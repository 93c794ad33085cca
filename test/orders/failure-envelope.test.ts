import { CloudResource, QuotaReservation } from '../../domain/entities';
import { eventually, simServers, startOrderRig, type OrderRig } from './support';

/**
 * Orders end in a state the user sees whatever OpenStack does: a 503 window longer than every retry of a step
 * settles the order (failed, the cause shown, its quota returned, what it made removed once the cloud answers
 * again), and a cancellation accepted while the order is validated is honoured even when a rule would approve it.
 */
describe('order failure envelope (real Temporal, SQLite, simulator)', () => {
  let rig: OrderRig;
  beforeAll(async () => {
    rig = await startOrderRig({ env: { ORDER_AUTO_APPROVE_MAX_MONTHLY: '1000' } });
  });
  afterEach(() => rig?.sim.cloud.faults.clear());
  afterAll(async () => rig?.close());

  const orderOf = (id: string, token: string) => rig.p.call('GET', `/api/v1/orders/${id}`, { token });
  const quotaOf = async (tenantId: string, token: string) =>
    (await rig.p.call('GET', `/api/v1/quotas/${tenantId}`, { token })).body;
  const settledOf = (id: string, token: string) =>
    eventually(
      () => orderOf(id, token),
      (r) => !['submitted', 'pending_approval', 'approved', 'provisioning'].includes(r.body.status),
      120_000,
    );

  it('settles orders through a 503 window: validation out of retries, rollback waiting for the cloud', async () => {
    const { p, sim } = rig;
    // Neutron answers 503 to every network read (validation looks the server's network up) until the window ends.
    const neutron = sim.cloud.faults.add({ method: 'GET', path: '/networks$', status: 503 });
    const a = await p.tenantUser();
    const validating = await p.call('POST', '/api/v1/orders', {
      token: a.token,
      body: { items: [{ kind: 'server', name: 'web', flavorId: rig.flavorId, imageId: rig.imageId }] },
    });
    expect(validating.status).toBe(201);

    // The second order's first volume create is refused (its item fails at once), the other volume is made and
    // must be rolled back while Cinder answers 503 to every delete, longer than the rollback's retries.
    const refused = sim.cloud.faults.add({ method: 'POST', path: '/volumes$', status: 400, remaining: 1 });
    const deletes = sim.cloud.faults.add({ method: 'DELETE', path: '/volumes/[^/]+$', status: 503 });
    const b = await p.tenantUser();
    const rolling = await p.call('POST', '/api/v1/orders', {
      token: b.token,
      body: {
        items: [
          { kind: 'volume', name: 'data-1', sizeGb: 2 },
          { kind: 'volume', name: 'data-2', sizeGb: 2 },
        ],
      },
    });
    expect(rolling.status).toBe(201);

    const failedA = await settledOf(validating.body.id, a.token);
    expect(failedA.body).toMatchObject({
      status: 'failed',
      failure: { step: 'validate', type: 'OpenStackServerError' },
    });
    expect(failedA.body.failure.message).toMatch(/503/);
    expect(failedA.body.closedAt).not.toBeNull();
    expect((await quotaOf(a.tenantId, a.token)).reserved).toMatchObject({ instances: 0, vcpus: 0, ramMb: 0 });
    // A settled order answers a cancellation with 409 and its state (not 404).
    const cancel = await p.call('POST', `/api/v1/orders/${validating.body.id}/cancel`, { token: a.token, body: {} });
    expect(cancel.status).toBe(409);
    expect(simServers(sim).filter((s) => s.metadata.cmp_order === validating.body.id)).toEqual([]);

    // The rollback ran out of its retries and its settlement keeps trying: the order is not settled yet.
    await eventually(
      async () => sim.cloud.faults.list().find((f) => f.id === deletes.id)!.hits,
      (hits) => hits > 8,
      120_000,
    );
    expect((await orderOf(rolling.body.id, b.token)).body.status).toBe('provisioning');
    sim.cloud.faults.remove(deletes.id);
    sim.cloud.faults.remove(refused.id);
    sim.cloud.faults.remove(neutron.id);

    const failedB = await settledOf(rolling.body.id, b.token);
    expect(failedB.body).toMatchObject({
      status: 'failed',
      failure: { step: 'provision', type: 'OpenStackBadRequest' },
    });
    expect(failedB.body.items.map((i: { status: string }) => i.status).sort()).toEqual(['failed', 'rolled_back']);
    const records = await p.db.orm.em.fork().find(CloudResource, { orderId: rolling.body.id });
    expect(records.length).toBe(1);
    expect(records.filter((r) => r.status !== 'deleted')).toEqual([]);
    const q = await quotaOf(b.tenantId, b.token);
    expect(q.reserved).toMatchObject({ volumes: 0, gigabytes: 0 });
    expect(q.used).toMatchObject({ volumes: 0, gigabytes: 0 });
    expect((await p.db.orm.em.fork().findOneOrFail(QuotaReservation, { orderId: rolling.body.id })).state).toBe(
      'released',
    );
  }, 240_000);

  it('honours a cancellation accepted while an order a rule would approve is validated', async () => {
    const { p, sim } = rig;
    // Validation's network read takes a while: the cancellation arrives during it.
    const slow = sim.cloud.faults.add({ method: 'GET', path: '/networks$', latencyMs: 1500 });
    const user = await p.tenantUser();
    const o = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: { items: [{ kind: 'server', name: 'cheap', flavorId: rig.flavorId, imageId: rig.imageId }] },
    });
    expect(o.status).toBe(201);
    const cancel = await p.call('POST', `/api/v1/orders/${o.body.id}/cancel`, {
      token: user.token,
      body: { reason: 'not needed' },
    });
    sim.cloud.faults.remove(slow.id);
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ status: 'cancelled', decision: { auto: false, reason: 'not needed' } });
    const done = await orderOf(o.body.id, user.token);
    expect(done.body).toMatchObject({ status: 'cancelled', decisionReason: 'not needed' });
    expect(done.body.progress.steps.find((s: { name: string }) => s.name === 'provision').state).toBe('skipped');
    expect(simServers(sim).filter((s) => s.metadata.cmp_order === o.body.id)).toEqual([]);
    expect((await quotaOf(user.tenantId, user.token)).reserved.instances).toBe(0);
    // An approved order refuses a cancellation instead of answering it with the approval.
    const later = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: { items: [{ kind: 'volume', name: 'v', sizeGb: 1 }] },
    });
    await eventually(
      () => orderOf(later.body.id, user.token),
      (r) => r.body.status === 'delivered',
    );
    expect(
      (await p.call('POST', `/api/v1/orders/${later.body.id}/cancel`, { token: user.token, body: {} })).status,
    ).toBe(409);
  });
});
