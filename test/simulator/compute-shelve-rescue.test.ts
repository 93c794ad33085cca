import { describeIfShared, expectValidRequest, loadSample } from '../support/openstack-spec';
import { startFixture, type SimClient, type SimFixture } from './sim-client';
import { activeServer, memberClient, seeded, waitStatus } from './compute-helpers';

type Obj = Record<string, any>;

/**
 * Rescue and shelve as Nova serves them: the official request samples (os-rescue, os-shelve, at their
 * microversions) validated against the Nova spec and accepted, every response checked against the
 * spec by the client, and Nova's state rules (409 naming the state) for the wrong states.
 */
describeIfShared(
  'Nova rescue and shelve in the simulator',
  () => {
    let f: SimFixture;
    let ids: ReturnType<typeof seeded>;
    const compute = () => f.sim.cloud.service('compute');
    beforeAll(async () => {
      f = await startFixture({ hosts: 2, computeQuota: { instances: -1, cores: -1, ram: -1 } });
      ids = seeded(f);
    });
    afterAll(() => f.sim.close());

    const action = (c: SimClient, id: string, body: Obj) => c.post(`/compute/v2.1/servers/${id}/action`, body);
    /** A sample with the made-up ids replaced by the seeded cloud's. */
    const sample = (file: string): Obj => {
      const b = loadSample<Obj>('compute', file);
      if (b.rescue?.rescue_image_ref) b.rescue.rescue_image_ref = ids.imageId;
      if (b.unshelve?.host) b.unshelve.host = 'compute-02';
      if (typeof b.unshelve?.availability_zone === 'string') b.unshelve.availability_zone = 'nova';
      return b;
    };
    const send = async (c: SimClient, id: string, file: string, mv: string) => {
      const body = sample(file);
      expectValidRequest('compute', 'POST', `/v2.1/servers/${id}/action`, body, { microversion: mv });
      return action(c.mv(mv), id, body);
    };

    it.each([
      ['os-rescue/server-rescue-req.json', '2.1'],
      ['os-rescue/server-rescue-req-with-image-ref.json', '2.1'],
      ['os-rescue/v2.87/server-rescue-req.json', '2.87'],
      ['os-rescue/v2.87/server-rescue-req-with-image-ref.json', '2.87'],
    ])('%s rescues (RESCUE, the password answered) and unrescue brings it back', async (file, mv) => {
      const id = await activeServer(f.admin.mv('2.96'), f);
      const r = await send(f.admin, id, file, mv);
      expect(r.status).toBe(200);
      expect(Object.keys(r.body)).toEqual(Object.keys(loadSample('compute', 'os-rescue/server-rescue.json')));
      expect(r.body.adminPass).toBe('MySecretPass');
      const rescued = await waitStatus(f.admin.mv(mv), id, 'RESCUE');
      expect(rescued['OS-EXT-STS:vm_state']).toBe('rescued');
      const again = await action(f.admin, id, { rescue: null });
      expect(again.status).toBe(409);
      expect(again.body.conflictingRequest.message).toContain('vm_state rescued');
      const back = await send(
        f.admin,
        id,
        mv === '2.87' ? 'os-rescue/v2.87/server-unrescue-req.json' : 'os-rescue/server-unrescue-req.json',
        mv,
      );
      expect(back.status).toBe(202);
      await waitStatus(f.admin, id, 'ACTIVE');
    });

    it('refuses unrescue of a server that is not rescued, naming its state', async () => {
      const id = await activeServer(f.admin.mv('2.96'), f);
      const r = await action(f.admin, id, { unrescue: null });
      expect(r.status).toBe(409);
      expect(r.body.conflictingRequest.message).toBe(`Cannot 'unrescue' instance ${id} while it is in vm_state active`);
    });

    it.each([
      ['os-shelve/os-shelve.json', 'os-shelve/os-unshelve.json', '2.1'],
      ['os-shelve/v2.77/os-shelve.json', 'os-shelve/v2.77/os-unshelve-az.json', '2.77'],
      ['os-shelve/v2.91/os-shelve.json', 'os-shelve/v2.91/os-unshelve-az-host.json', '2.91'],
      ['os-shelve/v2.91/os-shelve.json', 'os-shelve/v2.91/os-unshelve-host.json', '2.91'],
      ['os-shelve/v2.91/os-shelve.json', 'os-shelve/v2.91/os-unshelve-unpin-az.json', '2.91'],
      ['os-shelve/v2.91/os-shelve.json', 'os-shelve/v2.91/os-unshelve-host-and-unpin-az.json', '2.91'],
    ])('%s offloads at once (its host freed) and %s schedules it again', async (shelveFile, unshelveFile, mv) => {
      const id = await activeServer(f.admin.mv('2.96'), f);
      const host = compute().store.hosts.get(compute().store.servers.get(id)!.host!)!;
      const usedBefore = host.usedVcpus;
      expect((await send(f.admin, id, shelveFile, mv)).status).toBe(202);
      const offloaded = await waitStatus(f.admin.mv(mv), id, 'SHELVED_OFFLOADED');
      expect(offloaded['OS-EXT-SRV-ATTR:host']).toBeNull();
      expect(host.usedVcpus).toBe(usedBefore - 1);
      expect((await send(f.admin, id, unshelveFile, mv)).status).toBe(202);
      const active = await waitStatus(f.admin.mv(mv), id, 'ACTIVE');
      const wanted = sample(unshelveFile).unshelve?.host;
      expect(active['OS-EXT-SRV-ATTR:host']).toEqual(wanted ?? expect.stringMatching(/^compute-0\d$/));
    });

    it('keeps a shelved server on its host until shelveOffload when shelved_offload_time is -1', async () => {
      const keep = await startFixture({ hosts: 1, shelvedOffloadMs: -1 });
      try {
        const id = await activeServer(keep.admin.mv('2.96'), keep);
        expect((await action(keep.admin, id, loadSample('compute', 'os-shelve/os-shelve.json'))).status).toBe(202);
        const shelved = await waitStatus(keep.admin, id, 'SHELVED');
        expect(shelved['OS-EXT-SRV-ATTR:host']).toBe('compute-01');
        // Only an offloaded server may be given a zone or host.
        const az = await action(keep.admin.mv('2.77'), id, { unshelve: { availability_zone: 'nova' } });
        expect(az.status).toBe(409);
        const offload = loadSample<Obj>('compute', 'os-shelve/os-shelve-offload.json');
        expectValidRequest('compute', 'POST', `/v2.1/servers/${id}/action`, offload);
        expect((await action(keep.admin, id, offload)).status).toBe(202);
        await waitStatus(keep.admin, id, 'SHELVED_OFFLOADED');
        const twice = await action(keep.admin, id, offload);
        expect(twice.status).toBe(409);
        expect(twice.body.conflictingRequest.message).toContain('vm_state shelved_offloaded');
      } finally {
        await keep.sim.close();
      }
    });

    it('refuses shelving a server with a task running, and unshelving to a host for a member', async () => {
      const member = await memberClient(f, `shelver-${Date.now()}`);
      const id = (
        await member.client.mv('2.96').post('/compute/v2.1/servers', {
          server: { name: 'mine', flavorRef: '1', imageRef: ids.imageId, networks: 'none' },
        })
      ).body.server.id;
      const building = await action(member.client, id, { shelve: null });
      expect(building.status).toBe(409);
      await waitStatus(member.client, id, 'ACTIVE');
      expect((await action(member.client, id, { shelve: null })).status).toBe(202);
      await waitStatus(member.client, id, 'SHELVED_OFFLOADED');
      const toHost = await action(member.client.mv('2.91'), id, { unshelve: { host: 'compute-01' } });
      expect(toHost.status).toBe(403);
      expect((await action(member.client, id, { unshelve: null })).status).toBe(202);
      await waitStatus(member.client, id, 'ACTIVE');
    });
  },
  { samples: true },
);
