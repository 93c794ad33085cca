import { describeIfShared, loadSample } from '../support/openstack-spec';
import { seeded, waitStatus } from './compute-helpers';
import { eventually, SimClient, startFixture, type SimFixture } from './sim-client';

/** What Nova answers to an update and a rebuild, and its ips API, against the official samples. */
let f: SimFixture;
let serverId: string;
const C = '/compute/v2.1';
const extensionAttrs = [
  'OS-EXT-STS:vm_state',
  'OS-EXT-AZ:availability_zone',
  'key_name',
  'security_groups',
  'os-extended-volumes:volumes_attached',
  'OS-EXT-SRV-ATTR:host',
];

beforeAll(async () => {
  f = await startFixture();
  const r = await f.admin.mv('2.37').post(`${C}/servers`, {
    server: {
      name: 'answers',
      flavorRef: '1',
      imageRef: seeded(f).imageId,
      networks: [{ uuid: seeded(f).networkId }],
    },
  });
  serverId = r.body.server.id;
  await waitStatus(f.admin, serverId, 'ACTIVE');
});
afterAll(() => f.sim.close());

describeIfShared(
  'update and rebuild answers, and the ips API',
  () => {
    const keys = (o: Record<string, unknown>) => Object.keys(o).sort();

    it('answers an update before 2.75 with the attributes of the sample only, and in full from 2.75', async () => {
      const sample = loadSample('compute', 'servers/server-update-resp.json').server;
      const old = (await f.admin.put(`${C}/servers/${serverId}`, { server: { name: 'renamed' } })).body.server;
      expect(keys(old)).toEqual(keys(sample));
      expect(old.name).toBe('renamed');
      expect(Object.values(old.addresses).flat()).toEqual([{ version: 4, addr: expect.any(String) }]);
      const full = (await f.admin.mv('2.75').put(`${C}/servers/${serverId}`, { server: { name: 'renamed-again' } }))
        .body.server;
      expect(extensionAttrs.filter((k) => !(k in full))).toEqual([]);
    });

    it('answers a rebuild with the server (REBUILD) and its admin password', async () => {
      const sample = loadSample('compute', 'servers/server-action-rebuild-resp.json').server;
      const r = await f.admin.post(`${C}/servers/${serverId}/action`, {
        rebuild: { imageRef: seeded(f).imageId, adminPass: 'seCret-1' },
      });
      expect(r.status).toBe(202);
      expect(keys(r.body.server)).toEqual(keys(sample));
      expect(r.body.server).toMatchObject({ id: serverId, status: 'REBUILD', adminPass: 'seCret-1' });
      await waitStatus(f.admin, serverId, 'ACTIVE');
    });

    it('lists the addresses per network, one network, and 404 for a network the server is not on', async () => {
      const all = (await f.admin.get(`${C}/servers/${serverId}/ips`)).body;
      expect(keys(all)).toEqual(keys(loadSample('compute', 'server-ips/server-ips-resp.json')));
      const [network, list] = Object.entries(all.addresses as Record<string, unknown[]>)[0];
      expect(list).toEqual([{ version: 4, addr: expect.any(String) }]);
      expect((await f.admin.get(`${C}/servers/${serverId}/ips/${network}`)).body).toEqual({ [network]: list });
      const other = await f.admin.get(`${C}/servers/${serverId}/ips/nowhere`);
      expect([other.status, other.body.itemNotFound?.message]).toEqual([
        404,
        'Instance is not a member of specified network',
      ]);
    });
  },
  { samples: true },
);

describe('access addresses and date-time query parameters', () => {
  it('refuses an access address that is not one, and keeps IPv6 as Nova prints it', async () => {
    const bad = await f.admin.mv('2.37').post(`${C}/servers`, {
      server: { name: 'x', flavorRef: '1', imageRef: seeded(f).imageId, networks: 'none', accessIPv4: 'notvalid' },
    });
    expect([bad.status, bad.body.badRequest?.message]).toEqual([
      400,
      "Invalid input for field/attribute accessIPv4. Value: notvalid. 'notvalid' is not a 'ipv4'",
    ]);
    expect((await f.admin.put(`${C}/servers/${serverId}`, { server: { accessIPv6: 'notvalid' } })).status).toBe(400);
    const set = (
      await f.admin.put(`${C}/servers/${serverId}`, {
        server: { accessIPv4: '203.0.113.9', accessIPv6: '2001:2001:0:0::3' },
      })
    ).body.server;
    expect([set.accessIPv4, set.accessIPv6]).toEqual(['203.0.113.9', '2001:2001::3']);
  });

  it('takes ISO 8601 times for changes-since and refuses others', async () => {
    const bad = await f.admin.get(`${C}/servers?changes-since=2011/01/01`);
    expect([bad.status, bad.body.badRequest?.message]).toEqual([
      400,
      "Invalid input for query parameters changes-since. Value: 2011/01/01. '2011/01/01' is not a 'date-time'",
    ]);
    expect((await f.admin.get(`${C}/servers?changes-since=2011-01-01`)).status).toBe(200);
    expect(
      (await f.admin.get(`${C}/servers?changes-since=2011-01-01T00:00:00Z`)).body.servers.map(
        (s: { id: string }) => s.id,
      ),
    ).toContain(serverId);
  });
});

describe('the os-security-groups proxy to Neutron', () => {
  const G = `${C}/os-security-groups`;

  it('creates, shows, lists, updates and deletes groups as Nova shows them', async () => {
    const created = await f.admin.post(G, { security_group: { name: 'proxied', description: 'through nova' } });
    expect(created.status).toBe(200);
    const g = created.body.security_group;
    expect(g).toEqual({
      id: expect.any(String),
      name: 'proxied',
      description: 'through nova',
      tenant_id: seeded(f).adminProjectId,
      rules: [],
    });
    expect((await f.admin.get(`${G}/${g.id}`)).body.security_group).toEqual(g);
    const listed = (await f.admin.get(G)).body.security_groups;
    expect(listed.map((x: { name: string }) => x.name)).toEqual(expect.arrayContaining(['default', 'proxied']));
    const def = listed.find((x: { name: string }) => x.name === 'default');
    expect(def.rules[0]).toMatchObject({
      parent_group_id: def.id,
      ip_protocol: null,
      group: { name: 'default' },
      ip_range: {},
    });
    const updated = await f.admin.put(`${G}/${g.id}`, { security_group: { name: 'renamed', description: 'changed' } });
    expect(updated.body.security_group).toMatchObject({ id: g.id, name: 'renamed', description: 'changed' });
    expect(await f.admin.get(`/network/v2.0/security-groups/${g.id}`).then((r) => r.body.security_group.name)).toBe(
      'renamed',
    );
    expect((await f.admin.delete(`${G}/${g.id}`)).status).toBe(202);
    expect((await f.admin.get(`${G}/${g.id}`)).status).toBe(404);
  });

  it("answers Nova's errors: missing groups 404, the default group and bad names 400, 404 from 2.36", async () => {
    const missing = '6727c00b-214c-4f9e-9a52-017ac3e98411';
    for (const r of [
      await f.admin.get(`${G}/${missing}`),
      await f.admin.delete(`${G}/${missing}`),
      await f.admin.put(`${G}/${missing}`, { security_group: { name: 'n', description: 'd' } }),
    ])
      expect(r.status).toBe(404);
    expect((await new SimClient(f.sim.url, f.admin.token, {}, false).delete(`${G}/`)).status).toBe(404); // an empty id: no operation of the spec
    const def = (await f.admin.get(G)).body.security_groups.find((x: { name: string }) => x.name === 'default');
    expect((await f.admin.delete(`${G}/${def.id}`)).status).toBe(400);
    const noName = await f.admin.post(G, { security_group: { name: '', description: 'd' } });
    expect([noName.status, noName.body.badRequest?.message]).toEqual([
      400,
      'name has a minimum character requirement of 1.',
    ]);
    expect((await f.admin.mv('2.36').get(G)).status).toBe(404);
  });

  it("lists a server's groups", async () => {
    const groups = (await f.admin.get(`/compute/v2.1/servers/${serverId}/os-security-groups`)).body.security_groups;
    expect(groups.map((g: { name: string }) => g.name)).toEqual(['default']);
  });

  it('keeps a name as given, spaces included (Nova checks it stripped)', async () => {
    const g = (await f.admin.post(G, { security_group: { name: ' spaced name ', description: 'd' } })).body
      .security_group;
    expect(g.name).toBe(' spaced name ');
    expect((await f.admin.get(`${G}/${g.id}`)).body.security_group).toEqual(g);
    expect((await f.admin.delete(`${G}/${g.id}`)).status).toBe(202);
  });

  it("adds a group to the server's ports, which keeps it from deletion until removed", async () => {
    const g = (await f.admin.post(G, { security_group: { name: 'on-server', description: 'd' } })).body.security_group;
    const act = (body: unknown) => f.admin.post(`${C}/servers/${serverId}/action`, body);
    expect((await act({ addSecurityGroup: { name: 'on-server' } })).status).toBe(202);
    const ports = (await f.admin.get(`/network/v2.0/ports?device_id=${serverId}`)).body.ports;
    expect(ports.length).toBeGreaterThan(0);
    for (const p of ports) expect(p.security_groups).toContain(g.id);
    const inUse = await f.admin.delete(`${G}/${g.id}`);
    expect([inUse.status, inUse.body.badRequest?.message]).toEqual([400, `Security Group ${g.id} in use.`]);
    const unknown = await act({ addSecurityGroup: { name: 'no-such-group' } });
    expect([unknown.status, unknown.body.itemNotFound?.message]).toEqual([
      404,
      `Security group no-such-group is not found for project ${seeded(f).adminProjectId}`,
    ]);
    expect((await act({ removeSecurityGroup: { name: 'on-server' } })).status).toBe(202);
    for (const p of (await f.admin.get(`/network/v2.0/ports?device_id=${serverId}`)).body.ports)
      expect(p.security_groups).not.toContain(g.id);
    expect((await act({ removeSecurityGroup: { name: 'on-server' } })).status).toBe(400);
    expect((await f.admin.delete(`${G}/${g.id}`)).status).toBe(202);
  });
});

describe('the compute image proxy to Glance', () => {
  it('shows a server snapshot until ACTIVE, lists it and deletes it', async () => {
    const made = await f.admin.mv('2.45').post(`${C}/servers/${serverId}/action`, {
      createImage: { name: 'スナップショット', metadata: { image_type: 'test' } },
    });
    expect(made.status).toBe(202);
    const id = made.body.image_id;
    // The request's metadata has precedence over the snapshot's own properties, as in Nova.
    expect((await f.admin.get(`/image/v2/images/${id}`)).body).toMatchObject({
      image_type: 'test',
      instance_uuid: serverId,
    });
    const shown = await eventually(async () => {
      const img = (await f.admin.get(`${C}/images/${id}`)).body.image;
      return img?.status === 'ACTIVE' && img;
    });
    expect(shown).toMatchObject({ id, name: 'スナップショット', progress: 100, server: { id: serverId } });
    expect(shown.links.map((l: { rel: string }) => l.rel)).toEqual(['self', 'bookmark', 'alternate']);
    expect((await f.admin.get(`${C}/images/detail`)).body.images.map((i: { id: string }) => i.id)).toContain(id);
    const index = (await f.admin.get(`${C}/images?name=cirros-0.6.2-x86_64-disk`)).body.images;
    expect(index.map((i: { id: string }) => i.id)).toEqual([seeded(f).imageId]);
    expect(Object.keys(index[0]).sort()).toEqual(['id', 'links', 'name']);
    expect((await f.admin.delete(`${C}/images/${id}`)).status).toBe(204);
    const gone = await f.admin.get(`${C}/images/${id}`);
    expect([gone.status, gone.body.itemNotFound?.message]).toEqual([404, 'Image not found.']);
    expect((await f.admin.mv('2.36').get(`${C}/images`)).status).toBe(404);
    await waitStatus(f.admin, serverId, 'ACTIVE');
  });
});

describeIfShared(
  'the compute image view',
  () => {
    it('has the attributes of the sample', async () => {
      const sample = loadSample('compute', 'images/image-get-resp.json').image;
      const img = (await f.admin.get(`${C}/images/${seeded(f).imageId}`)).body.image;
      // OS-DCF:diskConfig only comes with an auto_disk_config property, which the seeded image lacks.
      expect(Object.keys(sample).filter((k) => k !== 'OS-DCF:diskConfig' && !(k in img))).toEqual([]);
    });
  },
  { samples: true },
);
