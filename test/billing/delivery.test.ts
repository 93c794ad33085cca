import { eventually, startOrderRig, type OrderRig } from '../orders/support';

/** Metering from the platform's own lifecycle: an order delivered on the simulator, a stop, a start, a delete. */
describe('usage metered from an order delivered and operated (REST, Temporal, simulator)', () => {
  let rig: OrderRig;
  beforeAll(async () => {
    rig = await startOrderRig({ env: { RATING_INTERVAL_MINUTES: '0' } });
  });
  afterAll(async () => rig?.close());

  it('opens intervals at delivery and follows stop, start and delete, each once', async () => {
    const { p, operator } = rig;
    const user = await p.tenantUser();
    const submit = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: {
        items: [
          { kind: 'server', name: 'metered-1', flavorId: rig.flavorId, imageId: rig.imageId, floatingIp: true },
          { kind: 'volume', name: 'metered-data', sizeGb: 4 },
        ],
      },
    });
    expect(submit.status).toBe(201);
    const orderId = submit.body.id as string;
    await eventually(
      () => p.call('GET', `/api/v1/orders/${orderId}`, { token: user.token }),
      (r) => r.body.status === 'pending_approval',
    );
    await p.call('POST', `/api/v1/orders/${orderId}/approve`, { token: operator, body: { reason: 'ok' } });
    const done = await eventually(
      () => p.call('GET', `/api/v1/orders/${orderId}`, { token: user.token }),
      (r) => ['delivered', 'failed'].includes(r.body.status),
      60_000,
    );
    expect(done.body.status).toBe('delivered');
    const usage = async () =>
      (await p.call('GET', '/api/v1/billing/usage?limit=200', { token: user.token })).body.items;
    const delivered = await usage();
    expect(delivered.map((i: any) => [i.resourceKind, i.startEvent, i.endedAt]).sort()).toEqual([
      ['floating_ip', 'delivered', null],
      ['server', 'delivered', null],
      ['volume', 'delivered', null],
    ]);
    const server = delivered.find((i: any) => i.resourceKind === 'server');
    expect(server.productId).toBe(rig.flavorId);
    expect(delivered.find((i: any) => i.resourceKind === 'volume').quantity).toBe(4);

    const act = async (action: string) => {
      const r = await p.call('POST', `/api/v1/instances/${server.resourceId}/actions`, {
        token: user.token,
        body: { action },
      });
      expect(r.status).toBe(202);
      await eventually(
        () => p.call('GET', `/api/v1/instances/${server.resourceId}/actions`, { token: user.token }),
        (x) => x.body.history?.some((a: { id: string; status: string }) => a.id === r.body.id),
        60_000,
      );
    };
    await act('stop');
    await act('start');
    const del = await p.call('DELETE', `/api/v1/instances/${server.resourceId}`, { token: user.token });
    expect(del.status).toBe(202);
    const ended = await eventually(
      async () => (await usage()).filter((i: any) => i.resourceId === server.resourceId),
      (xs) => xs.some((i: any) => i.endEvent === 'deleted'),
      60_000,
    );
    expect(ended.map((i: any) => [i.startEvent, i.state, i.endEvent]).reverse()).toEqual([
      ['delivered', 'running', 'stopped'],
      ['stopped', 'stopped', 'started'],
      ['started', 'running', 'deleted'],
    ]);
    // The floating IP the order made for the server goes with it; the volume stays.
    const rest = (await usage()).filter((i: any) => i.resourceId !== server.resourceId);
    expect(rest.map((i: any) => [i.resourceKind, i.endEvent]).sort()).toEqual([
      ['floating_ip', 'deleted'],
      ['volume', null],
    ]);
  }, 180_000);
});
