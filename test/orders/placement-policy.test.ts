import { HaHost } from '../../domain/entities';
import { eventually, simServers, startOrderRig, type OrderRig } from './support';

/** New servers follow the platform's scheduling policy: packed onto the fullest host, or spread. */
describe('placement of ordered servers by the scheduling policy (REST, Temporal, simulator)', () => {
  let rig: OrderRig;
  beforeAll(async () => {
    rig = await startOrderRig();
    // Hosts as a sweep records them: compute-01 half full, compute-02 nearly empty, the others down.
    const em = rig.p.db.orm.em.fork();
    const host = (hostname: string, up: boolean, usedVcpus: number, usedMemoryMb: number) =>
      Object.assign(new HaHost(), {
        hostname,
        state: 'ok' as const,
        up,
        enabled: true,
        vcpus: 64,
        memoryMb: 262144,
        usedVcpus,
        usedMemoryMb,
        runningVms: usedVcpus / 2,
      });
    em.persist([
      host('compute-01', true, 32, 131072),
      host('compute-02', true, 2, 2048),
      host('compute-03', false, 0, 0),
      host('compute-04', false, 0, 0),
    ]);
    await em.flush();
  });
  afterAll(async () => rig?.close());

  async function orderAndFindHost(name: string): Promise<string> {
    const user = await rig.p.tenantUser();
    const submit = await rig.p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: { items: [{ kind: 'server', name, flavorId: rig.flavorId, imageId: rig.imageId }] },
    });
    expect(submit.status).toBe(201);
    await eventually(
      () => rig.p.call('GET', `/api/v1/orders/${submit.body.id}`, { token: user.token }),
      (r) => r.body.status === 'pending_approval',
    );
    expect(
      (
        await rig.p.call('POST', `/api/v1/orders/${submit.body.id}/approve`, {
          token: rig.operator,
          body: { reason: 'ok' },
        })
      ).status,
    ).toBe(200);
    const done = await eventually(
      () => rig.p.call('GET', `/api/v1/orders/${submit.body.id}`, { token: user.token }),
      (r) => ['delivered', 'failed'].includes(r.body.status),
      40000,
    );
    expect(done.body.status).toBe('delivered');
    const server = simServers(rig.sim).find((s) => s.name === name) as unknown as { host?: string };
    return String(server.host);
  }

  it('packs onto the fullest host that fits under energy saving', async () => {
    expect(
      (
        await rig.p.call('PUT', '/api/v1/scheduling/policy', {
          token: rig.operator,
          body: { strategy: 'energy_saving' },
        })
      ).status,
    ).toBe(200);
    expect(await orderAndFindHost('packed-1')).toBe('compute-01');
  });

  it('spreads onto the least loaded host under load balancing', async () => {
    expect(
      (
        await rig.p.call('PUT', '/api/v1/scheduling/policy', {
          token: rig.operator,
          body: { strategy: 'load_balancing' },
        })
      ).status,
    ).toBe(200);
    expect(await orderAndFindHost('spread-1')).toBe('compute-02');
  });
});
