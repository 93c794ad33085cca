import { startFixture, eventually, type SimClient, type SimFixture } from './sim-client';
import { activeServer, memberClient, seeded, waitStatus } from './compute-helpers';

let f: SimFixture;
let admin: SimClient;
beforeAll(async () => {
  // actionMs long enough for a second request to land while the first action still runs
  f = await startFixture({ hosts: 3, actionMs: 200, computeQuota: { instances: 1000, cores: 1000, ram: -1 } });
  admin = f.admin.mv('2.96');
});
afterAll(() => f.sim.close());

const act = (c: SimClient, id: string, body: unknown) => c.post(`/compute/v2.1/servers/${id}/action`, body);

describe('power actions', () => {
  it('stops and starts, with Nova’s 409 wording in the wrong state', async () => {
    const id = await activeServer(admin, f);
    expect((await act(admin, id, { 'os-stop': null })).status).toBe(202);
    const stopped = await waitStatus(admin, id, 'SHUTOFF');
    expect(stopped['OS-EXT-STS:power_state']).toBe(4);
    const again = await act(admin, id, { 'os-stop': null });
    expect(again.status).toBe(409);
    expect(again.body.conflictingRequest.message).toBe(
      `Cannot 'os-stop' instance ${id} while it is in vm_state stopped`,
    );
    expect((await act(admin, id, { reboot: { type: 'SOFT' } })).body.conflictingRequest.message).toBe(
      `Cannot 'reboot' instance ${id} while it is in vm_state stopped`,
    );
    expect((await act(admin, id, { 'os-start': null })).status).toBe(202);
    await waitStatus(admin, id, 'ACTIVE');
    expect((await act(admin, id, { 'os-start': null })).body.conflictingRequest.message).toBe(
      `Cannot 'os-start' instance ${id} while it is in vm_state active`,
    );
  });

  it('reboots soft and hard, passing through REBOOT / HARD_REBOOT', async () => {
    const id = await activeServer(admin, f);
    const store = f.sim.cloud.service('compute').store;
    await act(admin, id, { reboot: { type: 'SOFT' } });
    expect(store.servers.get(id)!.taskState).toBe('rebooting');
    const busy = await act(admin, id, { reboot: { type: 'SOFT' } });
    expect(busy.status).toBe(409);
    expect(busy.body.conflictingRequest.message).toBe(
      `Cannot 'reboot' instance ${id} while it is in task_state rebooting`,
    );
    // a hard reboot may interrupt a soft one
    expect((await act(admin, id, { reboot: { type: 'HARD' } })).status).toBe(202);
    expect(store.servers.get(id)!.taskState).toBe('rebooting_hard');
    await waitStatus(admin, id, 'ACTIVE');
    expect((await act(admin, id, { reboot: { type: 'SIDEWAYS' } })).status).toBe(400);
    expect((await act(admin, id, { reboot: {} })).status).toBe(400);
  });

  it('pauses, suspends and resumes', async () => {
    const id = await activeServer(admin, f);
    await act(admin, id, { pause: null });
    await waitStatus(admin, id, 'PAUSED');
    expect((await act(admin, id, { suspend: null })).status).toBe(409);
    await act(admin, id, { unpause: null });
    await waitStatus(admin, id, 'ACTIVE');
    await act(admin, id, { suspend: null });
    const s = await waitStatus(admin, id, 'SUSPENDED');
    expect(s['OS-EXT-STS:power_state']).toBe(7);
    expect((await act(admin, id, { unpause: null })).body.conflictingRequest.message).toBe(
      `Cannot 'unpause' instance ${id} while it is in vm_state suspended`,
    );
    await act(admin, id, { resume: null });
    await waitStatus(admin, id, 'ACTIVE');
  });

  it('locks against the owner but not against admins', async () => {
    const m = await memberClient(f, 'locker');
    const c = m.client.mv('2.96');
    const id = await activeServer(c, f);
    expect((await act(c, id, { lock: { locked_reason: 'maintenance' } })).status).toBe(202);
    const shown = await c.get(`/compute/v2.1/servers/${id}`);
    expect(shown.body.server).toMatchObject({ locked: true, locked_reason: 'maintenance' });
    const refused = await act(c, id, { 'os-stop': null });
    expect(refused.status).toBe(409);
    expect(refused.body.conflictingRequest.message).toBe(`Instance ${id} is locked`);
    expect((await c.delete(`/compute/v2.1/servers/${id}`)).status).toBe(409);
    expect((await act(admin, id, { 'os-stop': null })).status).toBe(202);
    await waitStatus(admin, id, 'SHUTOFF');
    expect((await act(c, id, { unlock: null })).status).toBe(202);
    expect((await c.get(`/compute/v2.1/servers/${id}`)).body.server.locked).toBe(false);
  });

  it('changes the password, rebuilds and resets state', async () => {
    const id = await activeServer(admin, f);
    expect((await act(admin, id, { changePassword: { adminPass: 'n3w' } })).status).toBe(202);
    expect(f.sim.cloud.service('compute').store.servers.get(id)!.taskState).toBe('updating_password');
    await waitStatus(admin, id, 'ACTIVE');
    expect((await act(admin, id, { changePassword: {} })).status).toBe(400);
    const rb = await act(admin, id, { rebuild: { imageRef: seeded(f).imageId, name: 'rebuilt' } });
    expect(rb.status).toBe(202);
    expect(rb.body.server.id).toBe(id);
    await waitStatus(admin, id, 'ACTIVE');
    expect((await act(admin, id, { 'os-resetState': { state: 'error' } })).status).toBe(202);
    expect((await admin.get(`/compute/v2.1/servers/${id}`)).body.server.status).toBe('ERROR');
    const m = await memberClient(f, 'resetter');
    const mine = await activeServer(m.client.mv('2.96'), f);
    expect((await act(m.client, mine, { 'os-resetState': { state: 'error' } })).status).toBe(403);
  });

  it('rejects unknown actions and bad bodies', async () => {
    const id = await activeServer(admin, f);
    const r = await act(admin, id, { fly: null });
    expect(r.status).toBe(400);
    expect(r.body.badRequest.message).toBe('There is no such action: fly');
    expect((await act(admin, '0b5f7e2a-0000-4000-8000-000000000000', { 'os-stop': null })).status).toBe(404);
  });
});

describe('snapshots, consoles, security groups', () => {
  it('creates an image through Glance (Location before 2.45, image_id from 2.45)', async () => {
    const id = await activeServer(admin, f);
    const r = await act(admin, id, { createImage: { name: 'snap-1', metadata: { purpose: 'backup' } } });
    expect(r.status).toBe(202);
    const imageId = r.body.image_id;
    const img = f.sim.cloud.service('image').images.get(imageId)!;
    expect(img.name).toBe('snap-1');
    await eventually(async () => f.sim.cloud.service('image').images.get(imageId)?.status === 'active');
    await waitStatus(admin, id, 'ACTIVE');
    const old = await act(f.admin.mv('2.44'), id, { createImage: { name: 'snap-2' } });
    expect(old.status).toBe(202);
    expect(old.headers.get('location')).toMatch(/\/image\/v2\/images\/[0-9a-f-]{36}$/);
  });

  it('returns console URLs that the simulator serves', async () => {
    const id = await activeServer(admin, f);
    const vnc = await act(f.admin, id, { 'os-getVNCConsole': { type: 'novnc' } });
    expect(vnc.status).toBe(200);
    expect(vnc.body.console.type).toBe('novnc');
    const page = await fetch(vnc.body.console.url);
    expect(page.status).toBe(200);
    const rc = await admin.post(`/compute/v2.1/servers/${id}/remote-consoles`, {
      remote_console: { protocol: 'vnc', type: 'novnc' },
    });
    expect(rc.status).toBe(200);
    expect(rc.body.remote_console).toMatchObject({
      protocol: 'vnc',
      type: 'novnc',
      url: expect.stringContaining(f.sim.url),
    });
    expect(
      (
        await admin.post(`/compute/v2.1/servers/${id}/remote-consoles`, {
          remote_console: { protocol: 'vnc', type: 'spice-html5' },
        })
      ).status,
    ).toBe(400);
    expect((await fetch(`${f.sim.url}/compute/console/vnc_lite.html?path=%3Ftoken%3Dnope`)).status).toBe(401);
    await act(admin, id, { 'os-stop': null });
    await waitStatus(admin, id, 'SHUTOFF');
    const notReady = await act(f.admin, id, { 'os-getVNCConsole': { type: 'novnc' } });
    expect(notReady.status).toBe(409);
    expect(notReady.body.conflictingRequest.message).toBe(`Instance ${id} is not ready`);
    expect((await act(f.admin, id, { 'os-getConsoleOutput': { length: 10 } })).body.output).toContain('Linux');
  });

  it('adds and removes security groups', async () => {
    const portless = await activeServer(admin, f);
    const noPorts = await act(admin, portless, { addSecurityGroup: { name: 'default' } });
    expect([noPorts.status, noPorts.body.itemNotFound?.message]).toEqual([
      404,
      `instance_id ${portless} could not be found as device id on any ports`,
    ]);
    const id = await activeServer(admin, f, { networks: [{ uuid: seeded(f).networkId }] });
    expect((await act(admin, id, { addSecurityGroup: { name: 'web' } })).status).toBe(404);
    expect((await admin.post('/network/v2.0/security-groups', { security_group: { name: 'web' } })).status).toBe(201);
    expect((await act(admin, id, { addSecurityGroup: { name: 'web' } })).status).toBe(202);
    expect((await admin.get(`/compute/v2.1/servers/${id}`)).body.server.security_groups).toEqual([
      { name: 'default' },
      { name: 'web' },
    ]);
    expect((await act(admin, id, { removeSecurityGroup: { name: 'web' } })).status).toBe(202);
    expect((await act(admin, id, { removeSecurityGroup: { name: 'web' } })).status).toBe(400);
  });
});

describe('interfaces', () => {
  it('attaches a network and a pre-created port, lists and detaches them', async () => {
    const { networkId } = seeded(f);
    const id = await activeServer(admin, f);
    const a = await admin.post(`/compute/v2.1/servers/${id}/os-interface`, {
      interfaceAttachment: { net_id: networkId },
    });
    expect(a.status).toBe(200);
    expect(a.body.interfaceAttachment).toMatchObject({ net_id: networkId, port_state: expect.any(String) });
    const portId = a.body.interfaceAttachment.port_id;
    expect(f.sim.cloud.service('network').store.ports.get(portId)!.device_id).toBe(id);
    const own = await admin.post('/network/v2.0/ports', { port: { network_id: networkId } });
    const b = await admin.post(`/compute/v2.1/servers/${id}/os-interface`, {
      interfaceAttachment: { port_id: own.body.port.id },
    });
    expect(b.status).toBe(200);
    const list = await admin.get(`/compute/v2.1/servers/${id}/os-interface`);
    expect(list.body.interfaceAttachments.map((x: { port_id: string }) => x.port_id).sort()).toEqual(
      [portId, own.body.port.id].sort(),
    );
    expect((await admin.get(`/compute/v2.1/servers/${id}`)).body.server.addresses.provider).toHaveLength(2);
    expect((await admin.get(`/compute/v2.1/servers/${id}/os-interface/${portId}`)).status).toBe(200);
    expect((await admin.delete(`/compute/v2.1/servers/${id}/os-interface/${portId}`)).status).toBe(202);
    expect(f.sim.cloud.service('network').store.ports.has(portId)).toBe(false);
    expect((await admin.delete(`/compute/v2.1/servers/${id}/os-interface/${own.body.port.id}`)).status).toBe(202);
    expect(f.sim.cloud.service('network').store.ports.get(own.body.port.id)!.device_id).toBe('');
    expect((await admin.get(`/compute/v2.1/servers/${id}/os-interface/${portId}`)).status).toBe(404);
    const inUse = await admin.post('/network/v2.0/ports', {
      port: { network_id: networkId, device_id: 'someone-else' },
    });
    expect(
      (
        await admin.post(`/compute/v2.1/servers/${id}/os-interface`, {
          interfaceAttachment: { port_id: inUse.body.port.id },
        })
      ).status,
    ).toBe(409);
  });
});

describe('volume attachments', () => {
  it('attaches and detaches a Cinder volume consistently', async () => {
    const id = await activeServer(admin, f);
    const vol = await admin.post(`/volume/v3/${seeded(f).adminProjectId}/volumes`, {
      volume: { size: 1, name: 'data' },
    });
    expect(vol.status).toBe(202);
    const volId = vol.body.volume.id;
    await eventually(async () => f.sim.cloud.service('volume').volumes.get(volId)?.status === 'available');
    const att = await admin.post(`/compute/v2.1/servers/${id}/os-volume_attachments`, {
      volumeAttachment: { volumeId: volId, tag: 'data', delete_on_termination: false },
    });
    expect(att.status).toBe(200);
    expect(att.body.volumeAttachment).toMatchObject({ volumeId: volId, serverId: id, device: '/dev/vdb', tag: 'data' });
    expect(f.sim.cloud.service('volume').volumes.get(volId)!.status).toBe('in-use');
    const again = await admin.post(`/compute/v2.1/servers/${id}/os-volume_attachments`, {
      volumeAttachment: { volumeId: volId },
    });
    expect(again.status).toBe(400);
    const list = await admin.get(`/compute/v2.1/servers/${id}/os-volume_attachments`);
    expect(list.body.volumeAttachments).toHaveLength(1);
    expect(
      (await f.admin.mv('2.88').get(`/compute/v2.1/servers/${id}/os-volume_attachments/${volId}`)).body.volumeAttachment
        .id,
    ).toBe(volId);
    expect((await admin.delete(`/compute/v2.1/servers/${id}/os-volume_attachments/${volId}`)).status).toBe(202);
    expect(f.sim.cloud.service('volume').volumes.get(volId)!.status).toBe('available');
    expect((await admin.get(`/compute/v2.1/servers/${id}/os-volume_attachments/${volId}`)).status).toBe(404);
    const missing = await admin.post(`/compute/v2.1/servers/${id}/os-volume_attachments`, {
      volumeAttachment: { volumeId: '0b5f7e2a-0000-4000-8000-000000000000' },
    });
    expect(missing.status).toBe(404);
    expect(
      (
        await admin.post(`/compute/v2.1/servers/${id}/os-volume_attachments`, {
          volumeAttachment: { volumeId: 'nope' },
        })
      ).status,
    ).toBe(400);
  });

  it('detaches volumes when the server is deleted and keeps those not marked delete_on_termination', async () => {
    const id = await activeServer(admin, f);
    const vol = await admin.post(`/volume/v3/${seeded(f).adminProjectId}/volumes`, { volume: { size: 1 } });
    const volId = vol.body.volume.id;
    await eventually(async () => f.sim.cloud.service('volume').volumes.get(volId)?.status === 'available');
    await admin.post(`/compute/v2.1/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId: volId } });
    await admin.delete(`/compute/v2.1/servers/${id}`);
    await eventually(async () => f.sim.cloud.service('volume').volumes.get(volId)?.status === 'available');
  });
});
