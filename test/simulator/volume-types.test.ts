import { loadSample, hasSamples } from '../support/openstack-spec';
import { memberProject } from './project-users';
import { SimClient, eventually, startFixture, type SimFixture } from './sim-client';

let f: SimFixture;
let admin: SimClient;
let alice: SimClient;
let V: string;
let AV: string;
const latest = { 'OpenStack-API-Version': 'volume 3.70' };

beforeAll(async () => {
  f = await startFixture();
  const a = await memberProject(f.sim, 'vt-alice');
  alice = f.admin.withToken(a.token, latest);
  admin = f.admin.withToken(f.admin.token!, latest);
  V = `/volume/v3/${a.projectId}`;
  AV = `/volume/v3/${f.sim.cloud.service('identity').findProject('admin')!.id}`;
});
afterAll(() => f.sim.close());

const fault = (r: { body: any }) => Object.values(r.body)[0] as { code: number; message: string };

describe('Cinder volume types, extra specs and backend pools (simulator)', () => {
  it('lets admins make types with extra specs; members only read public ones', async () => {
    const created = await admin.post(`${AV}/types`, {
      volume_type: { name: 'ssd', description: 'fast', extra_specs: { volume_backend_name: 'ssd-backend' } },
    });
    expect(created.status).toBe(200);
    expect(created.body.volume_type).toMatchObject({
      name: 'ssd',
      is_public: true,
      'os-volume-type-access:is_public': true,
      extra_specs: { volume_backend_name: 'ssd-backend' },
    });
    const denied = await alice.post(`${V}/types`, { volume_type: { name: 'mine' } });
    expect([denied.status, fault(denied).message]).toEqual([
      403,
      "Policy doesn't allow volume_extension:types_manage to be performed.",
    ]);
    expect((await admin.post(`${AV}/types`, { volume_type: { name: 'ssd' } })).status).toBe(409);
    expect((await admin.post(`${AV}/types`, { volume_type: { name: '' } })).status).toBe(400);

    const hidden = await admin.post(`${AV}/types`, { volume_type: { name: 'ops-only', is_public: false } });
    const names = async (c: SimClient, base: string) =>
      (await c.get(`${base}/types`)).body.volume_types.map((t: { name: string }) => t.name);
    expect(await names(alice, V)).toEqual(expect.arrayContaining(['__DEFAULT__', 'ssd']));
    expect(await names(alice, V)).not.toContain('ops-only');
    expect(await names(admin, AV)).toContain('ops-only');
    expect((await alice.get(`${V}/types/${hidden.body.volume_type.id}`)).status).toBe(404);

    const id = created.body.volume_type.id;
    expect((await admin.post(`${AV}/types/${id}/extra_specs`, { extra_specs: { tier: 'gold' } })).body).toEqual({
      extra_specs: { tier: 'gold' },
    });
    expect((await admin.put(`${AV}/types/${id}/extra_specs/tier`, { tier: 'platinum' })).body).toEqual({
      tier: 'platinum',
    });
    expect((await admin.put(`${AV}/types/${id}/extra_specs/tier`, { other: 'x' })).status).toBe(400);
    expect((await alice.get(`${V}/types/${id}/extra_specs`)).body.extra_specs).toEqual({
      volume_backend_name: 'ssd-backend',
      tier: 'platinum',
    });
    expect((await admin.delete(`${AV}/types/${id}/extra_specs/tier`)).status).toBe(202);
    expect((await admin.get(`${AV}/types/${id}/extra_specs/tier`)).status).toBe(404);
    const renamed = await admin.put(`${AV}/types/${hidden.body.volume_type.id}`, {
      volume_type: { description: 'operators only' },
    });
    expect(renamed.body.volume_type.description).toBe('operators only');
    expect((await admin.delete(`${AV}/types/${hidden.body.volume_type.id}`)).status).toBe(202);
  });

  it('places a volume on the pool its type names, errors when no pool fits, and reports pools with what they hold', async () => {
    const pool = await fetch(`${f.sim.url}/sim-admin/volume-pools`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ backend: 'ssd-backend', totalCapacityGb: 20, storageProtocol: 'NVMe' }),
    });
    expect(pool.status).toBe(201);
    const ssd = (await admin.get(`${AV}/types/ssd`)).body.volume_type;
    const r = await alice.post(`${V}/volumes`, { volume: { size: 15, volume_type: 'ssd' } });
    expect(r.status).toBe(202);
    const placed = await eventually(async () => {
      const v = (await admin.get(`${V}/volumes/${r.body.volume.id}`)).body.volume;
      return v.status === 'available' && v;
    });
    expect(placed).toMatchObject({
      volume_type: 'ssd',
      volume_type_id: ssd.id,
      'os-vol-host-attr:host': 'sim@ssd-backend#ssd-backend',
    });
    // 5 GiB left on the only ssd pool: a 10 GiB volume finds no valid backend.
    const big = await alice.post(`${V}/volumes`, { volume: { size: 10, volume_type: ssd.id } });
    expect(big.status).toBe(202);
    await eventually(
      async () => (await alice.get(`${V}/volumes/${big.body.volume.id}`)).body.volume.status === 'error',
    );
    expect((await alice.post(`${V}/volumes`, { volume: { size: 1, volume_type: 'nope' } })).status).toBe(404);

    const pools = await admin.get(`${AV}/scheduler-stats/get_pools?detail=true`);
    expect(pools.status).toBe(200);
    const byName = Object.fromEntries(pools.body.pools.map((p: any) => [p.name, p.capabilities]));
    expect(byName['sim@ssd-backend#ssd-backend']).toMatchObject({
      total_capacity_gb: 20,
      free_capacity_gb: 5,
      volume_backend_name: 'ssd-backend',
      storage_protocol: 'NVMe',
    });
    expect(byName['sim@lvmdriver-1#lvmdriver-1']).toBeDefined();
    expect((await alice.get(`${V}/scheduler-stats/get_pools`)).status).toBe(403);

    expect((await admin.delete(`${AV}/types/${ssd.id}`)).status).toBe(400);
    const busy = await fetch(
      `${f.sim.url}/sim-admin/volume-pools/${encodeURIComponent('sim@ssd-backend#ssd-backend')}`,
      {
        method: 'DELETE',
      },
    );
    expect(busy.status).toBe(409);
  });

  (hasSamples() ? it : it.skip)('accepts the official volume type request samples', async () => {
    const sample = (p: string) => loadSample('block-storage', p);
    const created = await admin.post(`${AV}/types`, sample('volume_type/volume-type-create-request.json'));
    expect(created.status).toBe(200);
    const id = created.body.volume_type.id;
    expect(
      (
        await admin.post(
          `${AV}/types/${id}/extra_specs`,
          sample('volume_type/volume-type-extra-specs-create-update-request.json'),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await admin.put(
          `${AV}/types/${id}/extra_specs/key1`,
          sample('volume_type/volume-type-specific-extra-specs-update-request.json'),
        )
      ).status,
    ).toBe(200);
    expect((await admin.put(`${AV}/types/${id}`, sample('volume_type/volume-type-update-request.json'))).status).toBe(
      200,
    );
  });
});
