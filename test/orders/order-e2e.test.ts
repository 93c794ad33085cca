import { AuditEntry, CloudResource, InboxMessage } from '../../domain/entities';
import { eventually, simServers, startOrderRig, type OrderRig } from './support';

describe('order a VM with a volume and a floating IP, approved by an operator (REST, Temporal, simulator)', () => {
  let rig: OrderRig;
  beforeAll(async () => {
    rig = await startOrderRig();
  });
  afterAll(async () => rig?.close());

  it('provisions it ACTIVE with its address, volume and floating IP, tells the user, and lets him stop, start, console, snapshot and delete it with the quota returned', async () => {
    const { p, operator } = rig;
    const user = await p.tenantUser();
    const submit = await p.call('POST', '/api/v1/orders', {
      token: user.token,
      body: {
        items: [
          {
            kind: 'server',
            name: 'web-1',
            flavorId: rig.flavorId,
            imageId: rig.imageId,
            volumes: [{ sizeGb: 20 }],
            floatingIp: true,
            files: [{ path: '/etc/motd', content: 'hello' }],
            metadata: { role: 'web' },
            adminPass: 'Secret-pass-1',
          },
        ],
      },
    });
    expect(submit.status).toBe(201);
    const orderId = submit.body.id as string;
    expect(submit.body.monthlyPrice).toBeCloseTo(30 + 20 * 0.1 + 3, 4);
    expect(submit.body.items[0].spec.adminPass).toBe('***');

    const quota = await p.call('GET', `/api/v1/quotas/${user.tenantId}`, { token: user.token });
    expect(quota.body.reserved).toMatchObject({
      instances: 1,
      vcpus: 2,
      ramMb: 2048,
      volumes: 1,
      gigabytes: 20,
      floatingIps: 1,
    });

    const waiting = await eventually(
      () => p.call('GET', `/api/v1/orders/${orderId}`, { token: user.token }),
      (r) => r.body.status === 'pending_approval',
    );
    expect(waiting.body.progress.steps.map((s: { name: string; state: string }) => [s.name, s.state])).toEqual([
      ['validate', 'done'],
      ['reserve', 'done'],
      ['approval', 'running'],
      ['provision', 'pending'],
      ['deliver', 'pending'],
    ]);
    // A tenant user cannot approve.
    expect(
      (await p.call('POST', `/api/v1/orders/${orderId}/approve`, { token: user.token, body: { reason: 'me' } })).status,
    ).toBe(403);
    const approve = await p.call('POST', `/api/v1/orders/${orderId}/approve`, {
      token: operator,
      body: { reason: 'budget ok' },
    });
    expect(approve.status).toBe(200);
    expect(approve.body.status).toBe('approved');

    const done = await eventually(
      () => p.call('GET', `/api/v1/orders/${orderId}`, { token: user.token }),
      (r) => ['delivered', 'failed'].includes(r.body.status),
      60000,
    );
    expect(done.body.failure).toBeNull();
    expect(done.body.status).toBe('delivered');
    expect(done.body.decisionReason).toBe('budget ok');
    const item = done.body.items[0];
    expect(item.status).toBe('delivered');
    expect(item.resources.fixedIp).toMatch(/^192\.0\.2\./);
    expect(item.resources.floatingIp).toMatch(/^203\.0\.113\./);
    expect(item.resources.volumeIds).toHaveLength(1);

    // The simulator holds the server ACTIVE on the address the platform chose, with the volume attached.
    const servers = simServers(rig.sim).filter((s) => s.tags.includes(`provision-${item.id}.1`));
    expect(servers).toHaveLength(1);
    const osServer = await serverFromNova(rig, servers[0].id);
    expect(osServer.status).toBe('ACTIVE');
    expect(JSON.stringify(osServer.addresses)).toContain(item.resources.fixedIp);
    expect(osServer['os-extended-volumes:volumes_attached'].map((v: { id: string }) => v.id)).toEqual(
      item.resources.volumeIds,
    );
    expect(osServer.metadata).toMatchObject({ role: 'web', cmp_item: item.id });

    const after = await p.call('GET', `/api/v1/quotas/${user.tenantId}`, { token: user.token });
    expect(after.body.reserved).toMatchObject({ instances: 0, vcpus: 0, volumes: 0, gigabytes: 0, floatingIps: 0 });
    expect(after.body.used).toMatchObject({
      instances: 1,
      vcpus: 2,
      ramMb: 2048,
      volumes: 1,
      gigabytes: 20,
      floatingIps: 1,
    });

    const em = p.db.orm.em.fork();
    const records = await em.find(CloudResource, { orderItemId: item.id });
    expect(records.map((r) => r.kind).sort()).toEqual(['floating_ip', 'port', 'server', 'volume']);
    expect(records.every((r) => r.status === 'active' && r.tenantId === user.tenantId)).toBe(true);
    expect(records.find((r) => r.kind === 'server')!.spec.quota).toMatchObject({ instances: 1, vcpus: 2 });

    const inbox = await em.find(InboxMessage, { userId: user.userId });
    expect(inbox.map((m) => m.title)).toContain('Your order was delivered');
    const audit = await em.find(AuditEntry, { targetId: orderId }, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'order.submit',
        'order.pending_approval',
        'order.approve',
        'order.approved',
        'order.provisioning',
        'order.delivered',
      ]),
    );

    // History for the user, every order for operators.
    const mine = await p.call('GET', '/api/v1/orders', { token: user.token });
    expect(mine.body.items.map((o: { id: string }) => o.id)).toEqual([orderId]);
    const all = await p.call('GET', `/api/v1/orders?status=delivered&tenantId=${user.tenantId}`, { token: operator });
    expect(all.body.total).toBe(1);
    const other = await p.tenantUser();
    expect((await p.call('GET', `/api/v1/orders/${orderId}`, { token: other.token })).status).toBe(404);
    expect((await p.call('POST', `/api/v1/orders/${orderId}/cancel`, { token: user.token, body: {} })).status).toBe(
      409,
    );

    // The user operates what he ordered: stop, start, console, snapshot, delete; the quota returns.
    const instanceId = records.find((r) => r.kind === 'server')!.id;
    const act = async (body: Record<string, unknown>) => {
      const r = await p.call('POST', `/api/v1/instances/${instanceId}/actions`, { token: user.token, body });
      expect(`${body.action} ${r.status}`).toBe(`${body.action} 202`);
      const actionId = r.body.id as string;
      const progress = await eventually(
        () => p.call('GET', `/api/v1/instances/${instanceId}/actions`, { token: user.token }),
        (x) => x.body.history?.some((a: { id: string }) => a.id === actionId),
        60000,
      );
      const finished = progress.body.history.find((a: { id: string }) => a.id === actionId);
      expect(`${body.action} ${finished.status}`).toBe(`${body.action} succeeded`);
      return finished;
    };
    await act({ action: 'stop' });
    expect((await serverFromNova(rig, servers[0].id)).status).toBe('SHUTOFF');
    await act({ action: 'start' });
    expect((await serverFromNova(rig, servers[0].id)).status).toBe('ACTIVE');
    const consoleAnswer = await p.call('POST', `/api/v1/instances/${instanceId}/console`, {
      token: user.token,
      body: { type: 'novnc' },
    });
    expect(consoleAnswer.status).toBe(200);
    expect(consoleAnswer.body.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    await act({ action: 'snapshot', name: 'web-1-snap' });
    const images = await p.call('GET', '/api/v1/images', { token: user.token });
    expect(images.body.items.map((i: { name: string }) => i.name)).toContain('web-1-snap');
    const del = await p.call('DELETE', `/api/v1/instances/${instanceId}`, { token: user.token });
    expect(del.status).toBe(202);
    const gone = await eventually(
      () => p.call('GET', `/api/v1/quotas/${user.tenantId}`, { token: user.token }),
      (r) => r.body.used.instances === 0,
      60000,
    );
    expect(gone.body.used).toMatchObject({ instances: 0, vcpus: 0, ramMb: 0 });
    expect(simServers(rig.sim).filter((s) => s.id === servers[0].id)).toHaveLength(0);
  });
});

async function serverFromNova(rig: OrderRig, id: string) {
  const auth = await fetch(`${rig.sim.url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'admin', password: 'secret', domain: { name: 'Default' } } },
        },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    }),
  });
  const token = auth.headers.get('x-subject-token')!;
  const res = await fetch(`${rig.sim.url}/compute/v2.1/servers/${id}`, {
    headers: { 'x-auth-token': token, 'x-openstack-nova-api-version': '2.60' },
  });
  return ((await res.json()) as { server: any }).server;
}
