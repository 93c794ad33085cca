import { openCloud } from '../../activities/openstack';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { ensureStarterCatalog } from '../../api/services/starter-catalog';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { eventually } from '../support/eventually';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('a fresh platform on the embedded cloud sells at once (starter catalog)', () => {
  let sim: RunningSimulator;
  let p: TestPlatform;
  beforeAll(async () => {
    sim = await startSimulator({ buildMs: 50 });
    p = await startTestPlatform({
      env: { ORDER_AUTO_APPROVE_TRUSTED: 'false', ORDER_AUTO_APPROVE_MAX_MONTHLY: '1000' },
      activityDeps: { provision: simulatorProvisionSettings(sim.url) },
    });
  });
  afterAll(async () => {
    await p?.close();
    await sim?.close();
  });

  it('seeds a flavor product per public cloud flavor and volume, address, network, bandwidth and load balancer and site products once, and a tenant orders from it', async () => {
    const cloud = openCloud(simulatorProvisionSettings(sim.url)).admin();
    const flavors = await cloud.compute.listFlavors();
    const made = await ensureStarterCatalog(p.db.orm.em.fork(), () => cloud.compute.listFlavors());
    expect(made).toBe(flavors.length + 6);
    // A second start (or a second API process) adds nothing.
    expect(await ensureStarterCatalog(p.db.orm.em.fork(), () => cloud.compute.listFlavors())).toBe(0);

    const user = await p.tenantUser();
    const listed = await p.call('GET', '/api/v1/catalog/products?limit=200', { token: user.token });
    expect(listed.status).toBe(200);
    const items = listed.body.items as Array<{
      kind: string;
      name: string;
      vcpus: number | null;
      ramMb: number | null;
      diskGb: number | null;
      monthlyPrice: number;
    }>;
    for (const f of flavors)
      expect(items).toContainEqual(
        expect.objectContaining({ kind: 'flavor', name: f.name, vcpus: f.vcpus, ramMb: f.ram, diskGb: f.disk }),
      );
    expect(
      items
        .filter((i) => i.kind !== 'flavor')
        .map((i) => i.kind)
        .sort(),
    ).toEqual(['bandwidth', 'floating_ip', 'load_balancer', 'network', 'site', 'volume']);
    expect(items.every((i) => i.monthlyPrice >= 0)).toBe(true);

    const tiny = items.find((i) => i.kind === 'flavor' && i.name === 'm1.tiny')!;
    const image = (await cloud.image.listImages({ status: 'active' })).find((i) =>
      String(i.name).startsWith('cirros'),
    )!;
    const order = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: {
        items: [
          {
            kind: 'server',
            name: 'first-vm',
            flavorId: (tiny as unknown as { id: string }).id,
            imageId: image.id,
            volumes: [{ sizeGb: 1 }],
            floatingIp: true,
          },
        ],
      },
    });
    expect(order.status).toBe(201);
    const done = await eventually(
      () => p.call('GET', `/api/v1/orders/${order.body.id}`, { token: user.token }),
      (r) => ['delivered', 'failed'].includes(r.body.status),
      60_000,
    );
    expect({ status: done.body.status, failure: done.body.failure }).toEqual({ status: 'delivered', failure: null });
  });
});
