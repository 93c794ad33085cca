import { startFixture, type SimClient, type SimFixture } from './sim-client';
import { activeServer, memberClient } from './compute-helpers';

let f: SimFixture;
let admin: SimClient;
beforeAll(async () => {
  f = await startFixture({ hosts: 2, computeQuota: { instances: 100, cores: 100, ram: -1 } });
  admin = f.admin.mv('2.96');
});
afterAll(() => f.sim.close());

const computeService = async (host: string) =>
  (await admin.get(`/compute/v2.1/os-services?binary=nova-compute&host=${host}`)).body.services[0];

describe('DELETE os-services/{id} (decommissioning a compute host)', () => {
  it('refuses while the host has instances, then removes the service, its host and its aggregate memberships', async () => {
    const agg = await admin.post('/compute/v2.1/os-aggregates', {
      aggregate: { name: 'rack-1', availability_zone: 'az-1' },
    });
    const aid = agg.body.aggregate.id;
    await admin.post(`/compute/v2.1/os-aggregates/${aid}/action`, { add_host: { host: 'compute-02' } });
    const id = await activeServer(admin, f, { availability_zone: 'az-1' });
    const svc = await computeService('compute-02');
    expect(svc).toMatchObject({ host: 'compute-02', zone: 'az-1' });

    const refused = await admin.delete(`/compute/v2.1/os-services/${svc.id}`);
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toContain('hosting instances');
    expect(await computeService('compute-02')).toBeDefined();

    expect((await admin.delete(`/compute/v2.1/servers/${id}`)).status).toBe(204);
    await new Promise((r) => setTimeout(r, 200));
    expect((await admin.delete(`/compute/v2.1/os-services/${svc.id}`)).status).toBe(204);
    expect(await computeService('compute-02')).toBeUndefined();
    expect((await admin.get(`/compute/v2.1/os-aggregates/${aid}`)).body.aggregate.hosts).toEqual([]);
    const hyps = (await admin.get('/compute/v2.1/os-hypervisors')).body.hypervisors;
    expect(hyps.map((h: { hypervisor_hostname: string }) => h.hypervisor_hostname)).toEqual(['compute-01']);
    expect((await admin.delete(`/compute/v2.1/os-services/${svc.id}`)).status).toBe(404);
    // A member cannot delete services.
    const other = await computeService('compute-01');
    const { client } = await memberClient(f, 'svc-delete-member');
    expect((await client.mv('2.96').delete(`/compute/v2.1/os-services/${other.id}`)).status).toBe(403);
  });
});
