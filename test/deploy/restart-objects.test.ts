import { bootstrapAdmin, launch, launcherEnv, stop, waitFor, waitReady, type LauncherEnv } from '../support/launcher';

type Json = any;

/**
 * The launcher's second run behaves as its first: objects of every kind made through the platform
 * before a restart and after it (the embedded cloud restored from its state file in between) are
 * all found, operated and deleted, and an order with a flavor created after the restart is delivered.
 */
describe('a restarted platform keeps and makes objects of every kind (launcher, simulator state file)', () => {
  let le: LauncherEnv;
  beforeAll(async () => {
    le = await launcherEnv({ REGISTRATION_REQUIRES_APPROVAL: 'false', ORDER_AUTO_APPROVE_TRUSTED: 'false' });
  });
  afterAll(() => le?.cleanup());

  async function api(
    method: string,
    url: string,
    token?: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> {
    const r = await fetch(`${le.base}/api/v1${url}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  }
  async function ok(
    method: string,
    url: string,
    token: string,
    body?: unknown,
    expected = [200, 201, 202, 204],
  ): Promise<Json> {
    const r = await api(method, url, token, body);
    if (!expected.includes(r.status)) throw new Error(`${method} ${url} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
  const login = async (email: string, password: string) =>
    (await ok('POST', '/auth/login', '', { email, password })).accessToken as string;

  interface Made {
    flavorProductId: string;
    instanceId: string;
    networkId: string;
    subnetId: string;
    routerId: string;
    securityGroupId: string;
    volumeId: string;
    snapshotId: string;
    floatingIpId: string;
  }

  /** Volume, floating IP and network products, unless the catalog already has them. */
  async function catalogBasics(admin: string): Promise<void> {
    const have = (await ok('GET', '/catalog/products?limit=200', admin)).items as Array<{
      kind: string;
      status?: string;
    }>;
    for (const kind of ['volume', 'floating_ip', 'network']) {
      if (have.some((p) => p.kind === kind && p.status !== 'retired')) continue;
      await ok('POST', '/catalog/products', admin, {
        kind,
        name: `${kind}-restart`,
        hourlyPrice: 0.001,
        monthlyPrice: 0.5,
      });
    }
  }

  /** Through the platform's API: a flavor product, an ordered server (volume, floating IP), network, subnet, router, security group, volume, snapshot, floating IP. */
  async function makeEverything(admin: string, user: string, tag: string): Promise<Made> {
    const flavor = await ok('POST', '/catalog/products', admin, {
      kind: 'flavor',
      name: `flavor-${tag}`,
      vcpus: 1,
      ramMb: 512 + (tag === 'after' ? 256 : 0),
      diskGb: 1,
      bandwidthMbps: 100,
      hourlyPrice: 0.01,
      monthlyPrice: 5,
    });
    const images = await ok('GET', '/public-images', user);
    const imageId = (images.items as Array<{ id: string; name: string }>).find((i) => i.name.startsWith('cirros'))!.id;
    const order = await ok('POST', '/orders', user, {
      items: [
        { kind: 'server', name: `vm-${tag}`, flavorId: flavor.id, imageId, volumes: [{ sizeGb: 1 }], floatingIp: true },
      ],
    });
    await waitFor(
      `order ${tag} waiting for approval`,
      async () => ((await ok('GET', `/orders/${order.id}`, user)).status === 'pending_approval' ? true : undefined),
      60_000,
    );
    await ok('POST', `/orders/${order.id}/approve`, admin, { reason: 'restart test' });
    const done = await waitFor(
      `order ${tag} settled`,
      async () => {
        const o = await ok('GET', `/orders/${order.id}`, user);
        return ['delivered', 'failed'].includes(o.status) ? o : undefined;
      },
      120_000,
    );
    expect({ tag, status: done.status, failure: done.failure }).toEqual({ tag, status: 'delivered', failure: null });
    const instances = await ok('GET', `/instances?limit=200`, user);
    const instance = (instances.items as Array<{ id: string; name: string }>).find((i) => i.name === `vm-${tag}`)!;

    const network = await ok('POST', '/networks', user, { name: `net-${tag}` });
    const subnet = await ok('POST', '/subnets', user, {
      name: `sub-${tag}`,
      networkId: network.id,
      cidr: tag === 'after' ? '10.61.0.0/24' : '10.60.0.0/24',
    });
    const router = await ok('POST', '/routers', user, { name: `router-${tag}` });
    await ok('POST', `/routers/${router.id}/interfaces`, user, { subnetId: subnet.id });
    const sg = await ok('POST', '/security-groups', user, { name: `sg-${tag}` });
    await ok('POST', `/security-groups/${sg.id}/rules`, user, {
      direction: 'ingress',
      protocol: 'tcp',
      portRangeMin: 22,
      portRangeMax: 22,
      remoteIpPrefix: '0.0.0.0/0',
    });
    const volume = await ok('POST', '/volumes', user, { name: `vol-${tag}`, sizeGb: 1 });
    const snapshot = await ok('POST', '/volume-snapshots', user, { volumeId: volume.id, name: `snap-${tag}` });
    const fip = await ok('POST', '/floating-ips', user, {});
    return {
      flavorProductId: flavor.id,
      instanceId: instance.id,
      networkId: network.id,
      subnetId: subnet.id,
      routerId: router.id,
      securityGroupId: sg.id,
      volumeId: volume.id,
      snapshotId: snapshot.id,
      floatingIpId: fip.id,
    };
  }

  /** Each object is found, and the server answers a stop and a start. */
  async function useEverything(user: string, m: Made): Promise<void> {
    for (const [path, id] of [
      ['instances', m.instanceId],
      ['networks', m.networkId],
      ['subnets', m.subnetId],
      ['routers', m.routerId],
      ['security-groups', m.securityGroupId],
      ['volumes', m.volumeId],
      ['volume-snapshots', m.snapshotId],
      ['floating-ips', m.floatingIpId],
    ] as const) {
      const got = await api('GET', `/${path}/${id}`, user);
      expect(`${path} ${got.status}`).toBe(`${path} 200`);
    }
    for (const action of ['stop', 'start']) {
      const accepted = await ok('POST', `/instances/${m.instanceId}/actions`, user, { action });
      const finished = await waitFor(
        `${action} finished`,
        async () => {
          const h = await ok('GET', `/instances/${m.instanceId}/actions`, user);
          return (h.history as Array<{ id: string; status: string }> | undefined)?.find(
            (a) => a.id === accepted.id && a.status !== 'running' && a.status !== 'pending',
          );
        },
        60_000,
      );
      expect(`${action} ${finished.status}`).toBe(`${action} succeeded`);
    }
  }

  async function deleteEverything(user: string, m: Made): Promise<void> {
    await ok('DELETE', `/routers/${m.routerId}/interfaces/${m.subnetId}`, user);
    await ok('DELETE', `/routers/${m.routerId}`, user);
    await ok('DELETE', `/subnets/${m.subnetId}`, user);
    await ok('DELETE', `/networks/${m.networkId}`, user);
    await ok('DELETE', `/security-groups/${m.securityGroupId}`, user);
    await ok('DELETE', `/volume-snapshots/${m.snapshotId}`, user);
    await ok('DELETE', `/volumes/${m.volumeId}`, user);
    await ok('DELETE', `/floating-ips/${m.floatingIpId}`, user);
    await ok('DELETE', `/instances/${m.instanceId}`, user);
    await waitFor(
      'instance deleted',
      async () => {
        const r = await api('GET', `/instances/${m.instanceId}`, user);
        return r.status === 404 || r.body?.status === 'deleted' ? true : undefined;
      },
      60_000,
    );
  }

  it('finds, operates and deletes what was made before and after a restart', async () => {
    const first = launch(le.env);
    let before: Made;
    let email: string;
    const password = 'Restart-test-pw-1';
    try {
      await waitReady(le.base, 180_000);
      const admin = bootstrapAdmin(le.dataDir);
      const adminToken = await login(admin.email, admin.password);
      email = `restart-${Date.now()}@tenant.test`;
      await catalogBasics(adminToken);
      await ok('POST', '/auth/register', '', {
        email,
        password,
        displayName: 'Restart Tester',
        tenantName: `restart-${Date.now()}`,
      });
      before = await makeEverything(adminToken, await login(email, password), 'before');
    } finally {
      expect(await stop(first.proc)).toBe(0);
    }

    const second = launch(le.env);
    try {
      await waitReady(le.base, 180_000);
      const admin = bootstrapAdmin(le.dataDir);
      const adminToken = await login(admin.email, admin.password);
      const user = await login(email, password);
      // The Nova flavor made for a product after the restart is found by the order that boots it.
      const after = await makeEverything(adminToken, user, 'after');
      await useEverything(user, before);
      await useEverything(user, after);
      await deleteEverything(user, before);
      await deleteEverything(user, after);
      for (const id of [before.flavorProductId, after.flavorProductId])
        await ok('POST', `/catalog/products/${id}/retire`, adminToken, {});
    } finally {
      expect(await stop(second.proc)).toBe(0);
    }
  }, 600_000);
});
