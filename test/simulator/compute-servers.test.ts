import { startFixture, eventually, type SimClient, type SimFixture } from './sim-client';
import { activeServer, createServer, memberClient, seeded, waitStatus } from './compute-helpers';

let f: SimFixture;
let admin: SimClient;
beforeAll(async () => {
  f = await startFixture({ hosts: 3, computeQuota: { instances: 1000, cores: 1000, ram: -1 } });
  admin = f.admin.mv('2.96');
});
afterAll(() => f.sim.close());

describe('versions and microversions', () => {
  it('serves the version documents without a token', async () => {
    const root = await f.anon.get('/compute/');
    expect(root.status).toBe(200);
    expect(root.body.versions.map((v: { id: string }) => v.id)).toEqual(['v2.0', 'v2.1']);
    const v21 = await f.anon.get('/compute/v2.1');
    expect(v21.body.version).toMatchObject({ id: 'v2.1', status: 'CURRENT', version: '2.96', min_version: '2.1' });
  });

  it('negotiates, echoes and rejects microversions like Nova', async () => {
    const none = await f.admin.get('/compute/v2.1/flavors');
    expect(none.headers.get('openstack-api-version')).toBe('compute 2.1');
    expect(none.headers.get('x-openstack-nova-api-version')).toBe('2.1');
    expect(none.headers.get('x-compute-request-id')).toMatch(/^req-/);
    const latest = await f.admin.get('/compute/v2.1/flavors', { 'OpenStack-API-Version': 'compute latest' });
    expect(latest.headers.get('openstack-api-version')).toBe('compute 2.96');
    const legacy = await f.admin.get('/compute/v2.1/flavors', { 'X-OpenStack-Nova-API-Version': '2.53' });
    expect(legacy.headers.get('x-openstack-nova-api-version')).toBe('2.53');
    const tooNew = await f.admin.get('/compute/v2.1/flavors', { 'OpenStack-API-Version': 'compute 2.200' });
    expect(tooNew.status).toBe(406);
    expect(tooNew.body.computeFault.message).toBe(
      'Version 2.200 is not supported by the API. Minimum is 2.1 and maximum is 2.96.',
    );
    expect((await f.admin.get('/compute/v2.1/flavors', { 'OpenStack-API-Version': 'compute 3.0' })).status).toBe(406);
    expect((await f.admin.get('/compute/v2.1/flavors', { 'OpenStack-API-Version': 'compute banana' })).status).toBe(
      400,
    );
  });

  it('accepts the legacy /v2.1/{project_id}/ prefix', async () => {
    const { adminProjectId } = seeded(f);
    const r = await admin.get(`/compute/v2.1/${adminProjectId}/flavors`);
    expect(r.status).toBe(200);
    expect(r.body.flavors.length).toBeGreaterThan(0);
  });

  it('401s without or with an expired token', async () => {
    const r = await f.anon.get('/compute/v2.1/servers');
    expect(r.status).toBe(401);
    expect(r.body.error.message).toBe('The request you have made requires authentication.');
    const t = f.sim.cloud.service('identity').adminToken().id;
    f.sim.cloud.service('identity').expireToken(t);
    expect((await f.anon.withToken(t).get('/compute/v2.1/servers')).status).toBe(401);
  });

  it('answers Nova-style 404 for unknown routes and servers', async () => {
    const r = await admin.get('/compute/v2.1/servers/0b5f7e2a-0000-4000-8000-000000000000');
    expect(r.status).toBe(404);
    expect(r.body.itemNotFound.message).toBe('Instance 0b5f7e2a-0000-4000-8000-000000000000 could not be found.');
  });
});

describe('server create', () => {
  it('builds a server on a Neutron port and shows Nova detail fields', async () => {
    const { networkId, imageId } = seeded(f);
    const r = await admin.post('/compute/v2.1/servers', {
      server: {
        name: 'web-1',
        flavorRef: '2',
        imageRef: imageId,
        networks: [{ uuid: networkId }],
        metadata: { cmp_group: 'g1' },
        user_data: Buffer.from('#!/bin/sh\necho hi').toString('base64'),
        tags: ['a', 'b'],
        description: 'd',
      },
    });
    expect(r.status).toBe(202);
    expect(r.body.server.adminPass).toHaveLength(12);
    expect(r.headers.get('location')).toContain(`/compute/v2.1/servers/${r.body.server.id}`);
    // Right after the 202 the server is still building (read in-process: buildMs is short here).
    expect(f.sim.cloud.service('compute').store.servers.get(r.body.server.id)!.vmState).toBe('building');
    const s = await waitStatus(admin, r.body.server.id, 'ACTIVE');
    expect(s['OS-EXT-STS:vm_state']).toBe('active');
    expect(s['OS-EXT-STS:power_state']).toBe(1);
    expect(s['OS-EXT-SRV-ATTR:host']).toMatch(/^compute-0\d$/);
    expect(s['OS-EXT-SRV-ATTR:instance_name']).toMatch(/^instance-[0-9a-f]{8}$/);
    expect(s['OS-EXT-AZ:availability_zone']).toBe('nova');
    expect(s.flavor.original_name).toBe('m1.small');
    expect(s.tags).toEqual(['a', 'b']);
    const addr = s.addresses.provider[0];
    expect(addr).toMatchObject({ version: 4, 'OS-EXT-IPS:type': 'fixed' });
    expect(addr['OS-EXT-IPS-MAC:mac_addr']).toMatch(/^fa:16:3e/);
    const port = [...f.sim.cloud.service('network').store.ports.values()].find((p) => p.device_id === s.id)!;
    expect(port.device_owner).toBe('compute:nova');
    expect(port['binding:host_id']).toBe(s['OS-EXT-SRV-ATTR:host']);
  });

  it('shows the flavor as a link before 2.47 and hides host attributes from members', async () => {
    const id = await activeServer(admin, f);
    const old = await f.admin.mv('2.46').get(`/compute/v2.1/servers/${id}`);
    expect(old.body.server.flavor).toEqual({ id: '1', links: [expect.objectContaining({ rel: 'bookmark' })] });
    const m = await memberClient(f, 'viewer');
    const mine = await createServer(m.client.mv('2.96'), f);
    const own = await m.client.mv('2.96').get(`/compute/v2.1/servers/${mine}`);
    expect(own.body.server['OS-EXT-SRV-ATTR:host']).toBeUndefined();
    expect(own.body.server.host_status).toBeUndefined();
    // another project's server is invisible
    expect((await m.client.get(`/compute/v2.1/servers/${id}`)).status).toBe(404);
  });

  it('validates bodies with Nova messages', async () => {
    const { imageId, networkId } = seeded(f);
    const bad = async (server: Record<string, unknown>, status = 400, client = admin) => {
      const r = await client.post('/compute/v2.1/servers', { server });
      expect(r.status).toBe(status);
      return status === 403
        ? r.body.forbidden.message
        : status === 409
          ? r.body.conflictingRequest.message
          : r.body.badRequest.message;
    };
    expect(await bad({ flavorRef: '1', imageRef: imageId, networks: 'none' })).toContain(
      "'name' is a required property",
    );
    expect(await bad({ name: 'x', imageRef: imageId, networks: 'none' })).toContain(
      "'flavorRef' is a required property",
    );
    expect(await bad({ name: 'x', flavorRef: '999', imageRef: imageId, networks: 'none' })).toBe(
      'Flavor 999 could not be found.',
    );
    expect(await bad({ name: 'x', flavorRef: '1', imageRef: imageId })).toContain("'networks' is a required property");
    expect(
      await bad({ name: 'x', flavorRef: '1', imageRef: imageId, networks: 'none', user_data: 'not base64!' }),
    ).toBe('User data needs to be valid base 64.');
    expect(
      await bad({ name: 'x', flavorRef: '1', imageRef: '0b5f7e2a-0000-4000-8000-000000000000', networks: 'none' }),
    ).toBe('Can not find requested image');
    expect(await bad({ name: 'x', flavorRef: '1', imageRef: imageId, networks: 'none', key_name: 'nope' })).toBe(
      'Invalid key_name provided.',
    );
    expect(
      await bad({
        name: 'x',
        flavorRef: '1',
        imageRef: imageId,
        networks: [{ uuid: '0b5f7e2a-0000-4000-8000-000000000000' }],
      }),
    ).toBe('Network 0b5f7e2a-0000-4000-8000-000000000000 could not be found.');
    expect(
      await bad({
        name: 'x',
        flavorRef: '1',
        imageRef: imageId,
        networks: 'none',
        personality: [{ path: '/a', contents: 'YQ==' }],
      }),
    ).toContain("'personality' was unexpected");
    expect(
      await bad({ name: 'x', flavorRef: '1', imageRef: imageId, networks: 'none', availability_zone: 'mars' }),
    ).toBe('The requested availability zone is not available');
    expect(await bad({ name: 'x', flavorRef: '1', imageRef: imageId, networks: 'none', host: 'nowhere' })).toBe(
      'Compute host nowhere could not be found.',
    );
    expect((await admin.post('/compute/v2.1/servers', '{"server":')).status).toBe(400);
    // personality is still accepted before 2.57
    const r = await f.admin.mv('2.56').post('/compute/v2.1/servers', {
      server: {
        name: 'p',
        flavorRef: '1',
        imageRef: imageId,
        networks: [{ uuid: networkId }],
        personality: [{ path: '/etc/motd', contents: 'aGk=' }],
      },
    });
    expect(r.status).toBe(202);
    // forced host and requested host are admin-only
    const m = await memberClient(f, 'forcer');
    expect(
      await bad(
        { name: 'x', flavorRef: '1', imageRef: imageId, networks: 'none', availability_zone: 'nova:compute-01' },
        403,
        m.client.mv('2.96'),
      ),
    ).toBe("Policy doesn't allow os_compute_api:servers:create:forced_host to be performed.");
    expect(
      await bad(
        { name: 'x', flavorRef: '1', imageRef: imageId, networks: 'none', host: 'compute-01' },
        403,
        m.client.mv('2.96'),
      ),
    ).toBe("Policy doesn't allow compute:servers:create:requested_destination to be performed.");
  });

  it('honours forced and requested hosts for admins', async () => {
    const a = await activeServer(admin, f, { availability_zone: 'nova:compute-03' });
    expect((await admin.get(`/compute/v2.1/servers/${a}`)).body.server['OS-EXT-SRV-ATTR:host']).toBe('compute-03');
    const b = await activeServer(admin, f, { host: 'compute-02' });
    expect((await admin.get(`/compute/v2.1/servers/${b}`)).body.server['OS-EXT-SRV-ATTR:host']).toBe('compute-02');
  });

  it('refuses over quota with Nova’s message', async () => {
    const m = await memberClient(f, 'quota-tenant');
    const put = await admin.put(`/compute/v2.1/os-quota-sets/${m.projectId}`, { quota_set: { cores: 3 } });
    expect(put.status).toBe(200);
    const c = m.client.mv('2.96');
    await createServer(c, f, { flavorRef: '3' }); // 2 vcpus
    const r = await c.post('/compute/v2.1/servers', {
      server: { name: 'big', flavorRef: '3', imageRef: seeded(f).imageId, networks: 'none' },
    });
    expect(r.status).toBe(403);
    expect(r.body.forbidden.message).toBe('Quota exceeded for cores: Requested 2, but already used 2 of 3 cores');
  });

  it('puts a server in ERROR with a fault when no host fits', async () => {
    await admin.post('/compute/v2.1/flavors', {
      flavor: { name: 'huge', ram: 10_000_000, vcpus: 1, disk: 1, id: 'huge' },
    });
    const id = await createServer(admin, f, { flavorRef: 'huge' });
    const s = await eventually(async () => {
      const r = await admin.get(`/compute/v2.1/servers/${id}`);
      return r.body.server.status === 'ERROR' ? r.body.server : undefined;
    });
    expect(s.fault).toMatchObject({ code: 500, message: expect.stringMatching(/^No valid host was found\./) });
    expect(s['OS-EXT-SRV-ATTR:host']).toBeNull();
    expect((await admin.delete(`/compute/v2.1/servers/${id}`)).status).toBe(204);
  });

  it('fails the build (ERROR, not the API call) when the network has no address left', async () => {
    const net = await admin.post('/network/v2.0/networks', { network: { name: 'tiny' } });
    const sub = await admin.post('/network/v2.0/subnets', {
      subnet: {
        network_id: net.body.network.id,
        ip_version: 4,
        cidr: '10.99.0.0/29',
        allocation_pools: [{ start: '10.99.0.2', end: '10.99.0.3' }],
      },
    });
    expect(sub.status).toBe(201);
    const nets = [{ uuid: net.body.network.id }];
    await activeServer(admin, f, { networks: nets });
    await activeServer(admin, f, { networks: nets });
    const id = await createServer(admin, f, { networks: nets });
    const s = await eventually(async () => {
      const r = await admin.get(`/compute/v2.1/servers/${id}`);
      return r.body.server.status === 'ERROR' ? r.body.server : undefined;
    });
    expect(s.fault.message).toBe(
      `Build of instance ${id} aborted: Failed to allocate the network(s), not rescheduling.`,
    );
    expect(s.addresses).toEqual({});
  });

  it('boots from a volume created from an image and deletes it on termination', async () => {
    const { imageId } = seeded(f);
    const id = await createServer(admin, f, {
      imageRef: '',
      block_device_mapping_v2: [
        {
          boot_index: 0,
          uuid: imageId,
          source_type: 'image',
          destination_type: 'volume',
          volume_size: 2,
          delete_on_termination: true,
        },
      ],
    });
    const s = await waitStatus(admin, id, 'ACTIVE');
    expect(s.image).toBe('');
    const volId = s['os-extended-volumes:volumes_attached'][0].id;
    await eventually(async () => f.sim.cloud.service('volume').volumes.get(volId)?.status === 'in-use');
    const att = await admin.get(`/compute/v2.1/servers/${id}/os-volume_attachments`);
    expect(att.body.volumeAttachments[0]).toMatchObject({
      volumeId: volId,
      device: '/dev/vda',
      delete_on_termination: true,
    });
    expect(
      (await admin.delete(`/compute/v2.1/servers/${id}/os-volume_attachments/${volId}`)).body.badRequest.message,
    ).toBe('Cannot detach a root device volume');
    await admin.delete(`/compute/v2.1/servers/${id}`);
    await eventually(async () => !f.sim.cloud.service('volume').volumes.has(volId));
  });

  it('deletes asynchronously and frees the ports it created', async () => {
    const { networkId } = seeded(f);
    const id = await activeServer(admin, f, { networks: [{ uuid: networkId }] });
    const ports = () => [...f.sim.cloud.service('network').store.ports.values()].filter((p) => p.device_id === id);
    expect(ports()).toHaveLength(1);
    // A delete slow enough that a loaded machine cannot finish it before the 204 is read.
    const options = f.sim.cloud.options;
    const actionMs = options.actionMs;
    options.actionMs = 1000;
    try {
      expect((await admin.delete(`/compute/v2.1/servers/${id}`)).status).toBe(204);
    } finally {
      options.actionMs = actionMs;
    }
    // the delete is asynchronous: right after the 204 the server is still there, deleting
    expect(f.sim.cloud.service('compute').store.servers.get(id)!.taskState).toBe('deleting');
    await eventually(async () => (await admin.get(`/compute/v2.1/servers/${id}`)).status === 404, 5000);
    expect(ports()).toHaveLength(0);
    // a pre-existing port is only unbound
    const port = await admin.post('/network/v2.0/ports', { port: { network_id: networkId, name: 'mine' } });
    const id2 = await activeServer(admin, f, { networks: [{ port: port.body.port.id }] });
    await admin.delete(`/compute/v2.1/servers/${id2}`);
    await eventually(async () => (await admin.get(`/compute/v2.1/servers/${id2}`)).status === 404);
    expect(f.sim.cloud.service('network').store.ports.get(port.body.port.id)?.device_id).toBe('');
  });

  it('creates several servers with min/max_count and a reservation id', async () => {
    const r = await admin.post('/compute/v2.1/servers', {
      server: {
        name: 'multi',
        flavorRef: '1',
        imageRef: seeded(f).imageId,
        networks: 'none',
        max_count: 3,
        return_reservation_id: true,
      },
    });
    expect(r.status).toBe(202);
    expect(r.body.reservation_id).toMatch(/^r-/);
    const list = await admin.get(`/compute/v2.1/servers?reservation_id=${r.body.reservation_id}`);
    expect(list.body.servers.map((s: { name: string }) => s.name).sort()).toEqual(['multi-1', 'multi-2', 'multi-3']);
  });
});

describe('server list', () => {
  let m: { client: SimClient; projectId: string };
  const ids: string[] = [];
  beforeAll(async () => {
    m = await memberClient(f, 'lister');
    await admin.put(`/compute/v2.1/os-quota-sets/${m.projectId}`, { quota_set: { instances: 50, cores: 50 } });
    for (let i = 0; i < 7; i++)
      ids.push(await createServer(m.client.mv('2.96'), f, { name: `list-${i}`, tags: i % 2 ? ['odd'] : ['even'] }));
  });

  it('pages newest first with limit and marker and a next link', async () => {
    const c = m.client.mv('2.96');
    const p1 = await c.get('/compute/v2.1/servers/detail?limit=3');
    expect(p1.body.servers.map((s: { name: string }) => s.name)).toEqual(['list-6', 'list-5', 'list-4']);
    const next = new URL(p1.body.servers_links[0].href);
    expect(next.searchParams.get('marker')).toBe(ids[4]);
    const p2 = await c.get(`/compute/v2.1/servers/detail?limit=3&marker=${ids[4]}`);
    expect(p2.body.servers.map((s: { name: string }) => s.name)).toEqual(['list-3', 'list-2', 'list-1']);
    const p3 = await c.get(`/compute/v2.1/servers?limit=3&marker=${ids[1]}`);
    expect(p3.body.servers.map((s: { name: string }) => s.name)).toEqual(['list-0']);
    expect(p3.body.servers_links).toBeUndefined();
    const badMarker = await c.get('/compute/v2.1/servers?marker=0b5f7e2a-0000-4000-8000-000000000000');
    expect(badMarker.status).toBe(400);
    expect(badMarker.body.badRequest.message).toBe('marker [0b5f7e2a-0000-4000-8000-000000000000] not found');
  });

  it('filters by name regex, status, flavor, image, tags and changes-since', async () => {
    const c = m.client.mv('2.96');
    expect((await c.get('/compute/v2.1/servers?name=^list-[12]$')).body.servers).toHaveLength(2);
    await eventually(async () => (await c.get('/compute/v2.1/servers?status=ACTIVE')).body.servers.length === 7);
    expect((await c.get('/compute/v2.1/servers?status=SHUTOFF')).body.servers).toHaveLength(0);
    expect((await c.get('/compute/v2.1/servers?flavor=1')).body.servers).toHaveLength(7);
    expect((await c.get(`/compute/v2.1/servers?image=${seeded(f).imageId}`)).body.servers).toHaveLength(7);
    expect((await c.get('/compute/v2.1/servers?tags=odd')).body.servers).toHaveLength(3);
    expect((await c.get('/compute/v2.1/servers?not-tags=odd')).body.servers).toHaveLength(4);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await c.get(`/compute/v2.1/servers?changes-since=${future}`)).body.servers).toHaveLength(0);
  });

  it('shows deleted servers with changes-since', async () => {
    const c = m.client.mv('2.96');
    const since = new Date(Date.now() - 1000).toISOString();
    await c.delete(`/compute/v2.1/servers/${ids[0]}`);
    await eventually(async () => (await c.get(`/compute/v2.1/servers/${ids[0]}`)).status === 404);
    const r = await c.get(`/compute/v2.1/servers/detail?changes-since=${since}`);
    expect(r.body.servers.find((s: { id: string }) => s.id === ids[0]).status).toBe('DELETED');
    expect(
      (await c.get('/compute/v2.1/servers')).body.servers.find((s: { id: string }) => s.id === ids[0]),
    ).toBeUndefined();
  });

  it('forbids all_tenants to members and lets admins see every project and filter by host', async () => {
    const forbidden = await m.client.get('/compute/v2.1/servers?all_tenants=1');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.forbidden.message).toBe(
      "Policy doesn't allow os_compute_api:servers:index:get_all_tenants to be performed.",
    );
    const all = await admin.get('/compute/v2.1/servers/detail?all_tenants=1');
    expect(all.body.servers.some((s: { tenant_id: string }) => s.tenant_id === m.projectId)).toBe(true);
    const own = await admin.get('/compute/v2.1/servers');
    expect(own.body.servers.some((s: { id: string }) => ids.includes(s.id))).toBe(false);
    const byProject = await admin.get(`/compute/v2.1/servers?all_tenants=1&project_id=${m.projectId}`);
    expect(byProject.body.servers).toHaveLength(6);
    const host = (await admin.get(`/compute/v2.1/servers/${ids[1]}`)).body.server['OS-EXT-SRV-ATTR:host'];
    const onHost = await admin.get(`/compute/v2.1/servers/detail?all_tenants=1&host=${host}`);
    expect(onHost.body.servers.every((s: Record<string, unknown>) => s['OS-EXT-SRV-ATTR:host'] === host)).toBe(true);
    // members' host filter is ignored, not an error
    expect((await m.client.get('/compute/v2.1/servers?host=compute-01')).body.servers).toHaveLength(6);
  });
});

describe('server update, metadata and tags', () => {
  it('renames and edits metadata and tags', async () => {
    const id = await activeServer(admin, f, { metadata: { a: '1' } });
    const u = await admin.put(`/compute/v2.1/servers/${id}`, { server: { name: 'renamed', description: 'new' } });
    expect(u.body.server).toMatchObject({ name: 'renamed', description: 'new' });
    expect((await admin.put(`/compute/v2.1/servers/${id}`, { server: { flavorRef: '2' } })).status).toBe(400);
    expect((await admin.get(`/compute/v2.1/servers/${id}/metadata`)).body.metadata).toEqual({ a: '1' });
    expect((await admin.post(`/compute/v2.1/servers/${id}/metadata`, { metadata: { b: '2' } })).body.metadata).toEqual({
      a: '1',
      b: '2',
    });
    expect((await admin.put(`/compute/v2.1/servers/${id}/metadata`, { metadata: { c: '3' } })).body.metadata).toEqual({
      c: '3',
    });
    expect((await admin.put(`/compute/v2.1/servers/${id}/metadata/d`, { meta: { d: '4' } })).body.meta).toEqual({
      d: '4',
    });
    expect((await admin.get(`/compute/v2.1/servers/${id}/metadata/d`)).body.meta).toEqual({ d: '4' });
    expect((await admin.put(`/compute/v2.1/servers/${id}/metadata/e`, { meta: { d: '4' } })).status).toBe(400);
    expect((await admin.delete(`/compute/v2.1/servers/${id}/metadata/d`)).status).toBe(204);
    expect((await admin.get(`/compute/v2.1/servers/${id}/metadata/d`)).status).toBe(404);

    expect((await admin.put(`/compute/v2.1/servers/${id}/tags`, { tags: ['x', 'y'] })).body.tags).toEqual(['x', 'y']);
    expect((await admin.put(`/compute/v2.1/servers/${id}/tags/z`)).status).toBe(201);
    expect((await admin.get(`/compute/v2.1/servers/${id}/tags/z`)).status).toBe(204);
    expect((await admin.delete(`/compute/v2.1/servers/${id}/tags/x`)).status).toBe(204);
    expect((await admin.get(`/compute/v2.1/servers/${id}/tags`)).body.tags).toEqual(['y', 'z']);
    expect((await admin.get(`/compute/v2.1/servers/${id}/tags/x`)).status).toBe(404);
    expect((await admin.delete(`/compute/v2.1/servers/${id}/tags`)).status).toBe(204);
    expect((await f.admin.mv('2.25').get(`/compute/v2.1/servers/${id}/tags`)).status).toBe(404);
  });
});
