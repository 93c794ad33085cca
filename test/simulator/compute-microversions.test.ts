import { startFixture, type SimFixture } from './sim-client';
import { activeServer, seeded } from './compute-helpers';

/** Every read route answered at a spread of microversions; SimClient checks each body against the spec. */
let f: SimFixture;
let serverId: string;
beforeAll(async () => {
  f = await startFixture({ hosts: 2, computeQuota: { instances: -1, cores: -1, ram: -1 } });
  const admin = f.admin.mv('2.96');
  serverId = await activeServer(admin, f, {
    networks: [{ uuid: seeded(f).networkId }],
    metadata: { a: 'b' },
    tags: ['t'],
  });
  await admin.post('/compute/v2.1/os-keypairs', {
    keypair: {
      name: 'k',
      public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb0TK5tqXhM2wM6a0c8q3n8uY0n5wq0cJ0v1yQmS9o2 x',
    },
  });
  await admin.post(`/compute/v2.1/servers/${serverId}/action`, {
    'os-migrateLive': { host: null, block_migration: 'auto' },
  });
});
afterAll(() => f.sim.close());

const versions = [
  '2.1',
  '2.3',
  '2.9',
  '2.16',
  '2.19',
  '2.26',
  '2.28',
  '2.33',
  '2.47',
  '2.53',
  '2.59',
  '2.63',
  '2.73',
  '2.80',
  '2.88',
  '2.90',
  '2.96',
];

describe.each(versions)('reads at %s match the spec', (mv) => {
  it('servers, flavors, keypairs, limits, quotas, hypervisors, services, migrations, zones', async () => {
    const c = f.admin.mv(mv);
    const { adminProjectId } = seeded(f);
    const paths = [
      '/compute/v2.1/servers',
      '/compute/v2.1/servers/detail',
      `/compute/v2.1/servers/${serverId}`,
      `/compute/v2.1/servers/${serverId}/metadata`,
      `/compute/v2.1/servers/${serverId}/os-volume_attachments`,
      `/compute/v2.1/servers/${serverId}/os-instance-actions`,
      '/compute/v2.1/flavors',
      '/compute/v2.1/flavors/detail',
      '/compute/v2.1/flavors/1',
      '/compute/v2.1/os-keypairs',
      '/compute/v2.1/limits',
      `/compute/v2.1/os-quota-sets/${adminProjectId}`,
      `/compute/v2.1/os-quota-sets/${adminProjectId}/detail`,
      '/compute/v2.1/os-hypervisors',
      '/compute/v2.1/os-hypervisors/detail',
      '/compute/v2.1/os-services',
      '/compute/v2.1/os-migrations',
      '/compute/v2.1/os-availability-zone',
      '/compute/v2.1/os-availability-zone/detail',
      '/compute/v2.1/os-aggregates',
    ];
    for (const p of paths) {
      const r = await c.get(p);
      expect([p, r.status]).toEqual([p, 200]);
    }
    const minor = Number(mv.split('.')[1]);
    if (minor >= 23) expect((await c.get(`/compute/v2.1/servers/${serverId}/migrations`)).status).toBe(200);
    if (minor >= 26) expect((await c.get(`/compute/v2.1/servers/${serverId}/tags`)).status).toBe(200);
    const actions = (await c.get(`/compute/v2.1/servers/${serverId}/os-instance-actions`)).body.instanceActions;
    expect((await c.get(`/compute/v2.1/servers/${serverId}/os-instance-actions/${actions[0].request_id}`)).status).toBe(
      200,
    );
    expect((await c.get('/compute/v2.1/os-keypairs/k')).status).toBe(200);
  });
});
