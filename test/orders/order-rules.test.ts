import { AuditEntry, InboxMessage, QuotaReservation } from '../../domain/entities';
import { eventually, startOrderRig, type OrderRig } from './support';

describe('order approval rules, refusals and bad input', () => {
  let rig: OrderRig;
  beforeAll(async () => {
    rig = await startOrderRig({
      env: { ORDER_REMINDER_SECONDS: '1', ORDER_EXPIRY_SECONDS: '3', ORDER_AUTO_APPROVE_MAX_MONTHLY: '5' },
    });
  });
  afterAll(async () => rig?.close());

  const server = () => ({ kind: 'server', name: 'vm', flavorId: rig.flavorId, imageId: rig.imageId });
  const orderOf = (id: string, token: string) => rig.p.call('GET', `/api/v1/orders/${id}`, { token });

  it('refuses with the reason, releases the quota and tells the user', async () => {
    const { p, operator } = rig;
    const user = await p.tenantUser();
    const o = await p.call('POST', '/api/v1/orders', { token: user.token, body: { items: [server()] } });
    expect(o.status).toBe(201);
    await eventually(
      () => orderOf(o.body.id, user.token),
      (r) => r.body.status === 'pending_approval',
    );
    expect((await p.call('POST', `/api/v1/orders/${o.body.id}/reject`, { token: operator, body: {} })).status).toBe(
      422,
    );
    const rejected = await p.call('POST', `/api/v1/orders/${o.body.id}/reject`, {
      token: operator,
      body: { reason: 'no budget' },
    });
    expect(rejected.status).toBe(200);
    // The answer is the state the refusal caused.
    expect(rejected.body).toMatchObject({ status: 'rejected', decision: { reason: 'no budget', auto: false } });
    const done = await eventually(
      () => orderOf(o.body.id, user.token),
      (r) => r.body.status === 'rejected',
    );
    expect(done.body).toMatchObject({ status: 'rejected', decisionReason: 'no budget' });
    expect(done.body.items[0].status).toBe('pending');
    // A decided order answers 409 with the reason.
    const late = await p.call('POST', `/api/v1/orders/${o.body.id}/approve`, {
      token: operator,
      body: { reason: 'too late' },
    });
    expect(late.status).toBe(409);
    expect(late.body.message).toMatch(/order is rejected/);
    expect((await p.call('POST', `/api/v1/orders/${o.body.id}/cancel`, { token: user.token, body: {} })).status).toBe(
      409,
    );
    const q = await p.call('GET', `/api/v1/quotas/${user.tenantId}`, { token: user.token });
    expect(q.body.reserved.instances).toBe(0);
    expect(q.body.used.instances).toBe(0);
    const em = p.db.orm.em.fork();
    expect((await em.findOneOrFail(QuotaReservation, { orderId: o.body.id })).state).toBe('released');
    expect((await em.find(InboxMessage, { userId: user.userId })).map((m) => m.title)).toContain(
      'Your order was refused',
    );
  });

  it('answers a cancellation with the state it caused, whether it came during validation or while waiting', async () => {
    const { p } = rig;
    const user = await p.tenantUser();
    const o = await p.call('POST', '/api/v1/orders', { token: user.token, body: { items: [server()] } });
    expect(o.status).toBe(201);
    const cancel = await p.call('POST', `/api/v1/orders/${o.body.id}/cancel`, {
      token: user.token,
      body: { reason: 'changed my mind' },
    });
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ status: 'cancelled', decision: { reason: 'changed my mind', auto: false } });
    expect((await orderOf(o.body.id, user.token)).body.status).toBe('cancelled');
    const q = await p.call('GET', `/api/v1/quotas/${user.tenantId}`, { token: user.token });
    expect(q.body.reserved.instances).toBe(0);
  });

  it('reminds the approvers after the reminder time and expires the order after the expiry time', async () => {
    const { p } = rig;
    const approver = await p.staff(['operator']);
    const user = await p.tenantUser();
    const o = await p.call('POST', '/api/v1/orders', { token: user.token, body: { items: [server()] } });
    const expired = await eventually(
      () => orderOf(o.body.id, user.token),
      (r) => r.body.status === 'expired',
      20000,
    );
    expect(expired.body.status).toBe('expired');
    expect(expired.body.progress.remindedAt).toBeDefined();
    const em = p.db.orm.em.fork();
    const reminders = await em.find(InboxMessage, { userId: approver.userId, link: `/orders/${o.body.id}` });
    expect(reminders.map((m) => m.title)).toEqual(['An order waits for approval']);
    const actions = (await em.find(AuditEntry, { targetId: o.body.id })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['order.reminder', 'order.expired']));
    expect((await em.findOneOrFail(QuotaReservation, { orderId: o.body.id })).state).toBe('released');
  });

  it('approves by rule an order within the monthly price limit', async () => {
    const { p } = rig;
    const user = await p.tenantUser();
    const cheap = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: { items: [{ kind: 'floating_ip', name: 'ip1' }] },
    });
    expect(cheap.status).toBe(201);
    expect(cheap.body.monthlyPrice).toBe(3);
    const done = await eventually(
      () => orderOf(cheap.body.id, user.token),
      (r) => ['delivered', 'failed'].includes(r.body.status),
    );
    expect(done.body.status).toBe('delivered');
    expect(done.body.decidedBy).toBe('system');
    expect(done.body.decisionReason).toMatch(/auto-approved: monthly price 3 within 5/);
    expect(done.body.items[0].resources.floatingIp).toMatch(/^203\.0\.113\./);
  });

  it('answers 422 for an unknown or retired flavor and for an unknown image', async () => {
    const { p, operator } = rig;
    const user = await p.tenantUser();
    const unknown = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: { items: [{ ...server(), flavorId: '00000000-0000-4000-8000-000000000000' }] },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toMatch(/unknown flavor 00000000-0000-4000-8000-000000000000/);
    const bad = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: { items: [{ ...server(), cpu: 3 }] },
    });
    expect(bad.status).toBe(422);

    const retiredFlavor = await p.call('POST', '/api/v1/catalog/products', {
      token: operator,
      body: {
        kind: 'flavor',
        name: `old-${Date.now()}`,
        vcpus: 1,
        ramMb: 512,
        diskGb: 1,
        bandwidthMbps: 10,
        hourlyPrice: 0.01,
        monthlyPrice: 5,
      },
    });
    expect(
      (await p.call('POST', `/api/v1/catalog/products/${retiredFlavor.body.id}/retire`, { token: operator })).status,
    ).toBe(200);
    expect(
      (await p.call('POST', `/api/v1/catalog/products/${retiredFlavor.body.id}/retire`, { token: operator })).status,
    ).toBe(409);
    expect(
      (
        await p.call('POST', '/api/v1/orders', {
          token: user.token,
          body: { items: [{ ...server(), flavorId: retiredFlavor.body.id }] },
        })
      ).status,
    ).toBe(422);
    expect(
      (await p.call('GET', `/api/v1/catalog/products/${retiredFlavor.body.id}`, { token: user.token })).status,
    ).toBe(404);

    // An unknown image is refused at submission (the resolver asks the cloud), naming the field; no order is made.
    const noImage = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: { items: [{ ...server(), imageId: 'no-such-image' }] },
    });
    expect(noImage.status).toBe(422);
    expect(noImage.body).toMatchObject({
      code: 'validation_failed',
      message: 'unknown image no-such-image',
      details: [{ path: 'items.0.imageId' }],
    });
    expect((await p.call('GET', '/api/v1/orders', { token: user.token })).body.total).toBe(0);
    const q = await p.call('GET', `/api/v1/quotas/${user.tenantId}`, { token: user.token });
    expect(q.body.reserved.instances).toBe(0);
  });

  it('lets operators manage the catalog and quotas, and nobody else', async () => {
    const { p, operator } = rig;
    const user = await p.tenantUser();
    expect(
      (
        await p.call('POST', '/api/v1/catalog/products', {
          token: user.token,
          body: { kind: 'network', name: 'x', hourlyPrice: 0, monthlyPrice: 0 },
        })
      ).status,
    ).toBe(403);
    expect(
      (await p.call('PUT', `/api/v1/quotas/${user.tenantId}`, { token: user.token, body: { instances: 100 } })).status,
    ).toBe(403);
    const noSizing = await p.call('POST', '/api/v1/catalog/products', {
      token: operator,
      body: { kind: 'flavor', name: 'nosize', hourlyPrice: 1, monthlyPrice: 1 },
    });
    expect(noSizing.status).toBe(422);
    const price = await p.call('PATCH', `/api/v1/catalog/products/${rig.flavorId}`, {
      token: operator,
      body: { monthlyPrice: 30 },
    });
    expect(price.status).toBe(200);
    const defaults = await p.call('PUT', '/api/v1/quotas/defaults', { token: operator, body: { routers: 3 } });
    expect(defaults.body.routers).toBe(3);
    const q = await p.call('GET', `/api/v1/quotas/${user.tenantId}`, { token: user.token });
    expect(q.body.limits.routers).toBe(3);
    expect(q.body.own.routers).toBeNull();
    const other = await p.tenantUser();
    expect((await p.call('GET', `/api/v1/quotas/${user.tenantId}`, { token: other.token })).status).toBe(404);
  });
});
