import { randomUUID } from 'node:crypto';
import { CloudResource, InboxMessage } from '../../domain/entities';
import { contractRoutes, fillPath } from '../support/contract-routes';
import { startTestPlatform, strongPassword, type TestPlatform } from '../support/platform';

/**
 * Walks every route of the contract as a user of tenant B against tenant A's objects: nothing of A may
 * be read or changed. Ids of A's objects are harvested from every list route A's own admin can read,
 * so routes added later are covered as soon as A owns something they serve.
 */
/** List routes whose items belong to nobody in particular (the catalog, the operators' app environment templates). */
const sharedCollections = ['/api/v1/catalog/products', '/api/v1/app-environments'];

describe('tenant isolation over the whole contract', () => {
  let p: TestPlatform;
  let a: Awaited<ReturnType<TestPlatform['tenantUser']>>;
  let b: Awaited<ReturnType<TestPlatform['tenantUser']>>;
  const idsOfA = new Map<string, Set<string>>();

  beforeAll(async () => {
    p = await startTestPlatform({ queues: [] });
    a = await p.tenantUser('iso-a');
    b = await p.tenantUser('iso-b');
    const member = await p.call('POST', `/api/v1/tenants/${a.tenantId}/members`, {
      token: a.token,
      body: { email: 'member@iso-a.test', displayName: 'M', password: strongPassword },
    });
    expect(member.status).toBe(201);
    await seedObjectsOfA();
    idsOfA.set('tenantId', new Set([a.tenantId]));
    idsOfA.set('userId', new Set([a.userId, member.body.id]));
    // Harvest ids from every parameterless list route A can read: /x → ids for the {param} of /x/{param}.
    for (const route of contractRoutes().filter(
      (r) => r.method === 'GET' && r.params.length === 0 && r.path.startsWith('/api/'),
    )) {
      const r = await p.call('GET', route.path, { token: a.token });
      if (r.status !== 200 || !Array.isArray(r.body?.items)) continue;
      const child = contractRoutes().find((c) => c.params.length === 1 && c.path.startsWith(`${route.path}/{`));
      if (!child) continue;
      const set = idsOfA.get(child.params[0]) ?? new Set<string>();
      // Shared objects (catalog products, public images) are everybody's; only A's own count.
      for (const item of r.body.items) {
        if (typeof item?.id !== 'string') continue;
        if (item.tenantId === a.tenantId || (!('tenantId' in item) && !sharedCollections.includes(route.path)))
          set.add(item.id);
      }
      idsOfA.set(child.params[0], set);
    }
  });
  afterAll(async () => p?.close());

  /** Gives A something under every kind of route: an order, an inbox message, cloud resources. */
  async function seedObjectsOfA() {
    const root = await p.adminToken();
    const volume = await p.call('POST', '/api/v1/catalog/products', {
      token: root,
      body: { kind: 'volume', name: 'iso-volume', hourlyPrice: 0.01, monthlyPrice: 5 },
    });
    expect(volume.status).toBe(201);
    const order = await p.call('POST', '/api/v1/orders', {
      token: a.token,
      body: { items: [{ kind: 'volume', name: 'iso-v1', sizeGb: 1 }] },
    });
    expect([201, 202]).toContain(order.status);
    const em = p.db.orm.em.fork();
    em.persist(
      Object.assign(new InboxMessage(), { userId: a.userId, tenantId: a.tenantId, title: 'hello', body: 'for A only' }),
    );
    for (const kind of [
      'server',
      'volume',
      'network',
      'floating_ip',
      'security_group',
      'router',
      'subnet',
      'snapshot',
      'image',
    ] as const) {
      em.persist(
        Object.assign(new CloudResource(), {
          tenantId: a.tenantId,
          kind,
          name: `iso-${kind}`,
          status: 'active' as const,
          openstackId: randomUUID(),
        }),
      );
    }
    await em.flush();
  }

  it('never lets tenant B read or change anything of tenant A', async () => {
    const violations: string[] = [];
    let probes = 0;
    for (const route of contractRoutes().filter((r) => r.params.length > 0 && r.path.startsWith('/api/'))) {
      const values = route.params.map((name) => [...(idsOfA.get(name) ?? [])]);
      if (values.some((v) => v.length === 0)) continue;
      const combos = values.reduce<string[][]>((acc, vs) => acc.flatMap((c) => vs.map((v) => [...c, v])), [[]]);
      for (const combo of combos) {
        const url = fillPath(route.path, Object.fromEntries(route.params.map((n, i) => [n, combo[i]])));
        const r = await p.call(route.method, url, { token: b.token, body: route.hasBody ? {} : undefined });
        probes++;
        // 422 on an empty body would mean B got past the ownership check.
        if (![401, 403, 404].includes(r.status)) violations.push(`${route.method} ${url} → ${r.status}`);
      }
    }
    expect(probes).toBeGreaterThan(3);
    expect(violations).toEqual([]);
  });

  it('never shows tenant A objects in tenant B lists', async () => {
    const all = new Set([...idsOfA.values()].flatMap((s) => [...s]));
    for (const route of contractRoutes().filter(
      (r) => r.method === 'GET' && r.params.length === 0 && r.path.startsWith('/api/'),
    )) {
      const r = await p.call('GET', route.path, { token: b.token });
      if (r.status !== 200) continue;
      const text = JSON.stringify(r.body);
      for (const id of all) expect(`${route.path}: ${text.includes(id) ? id : 'clean'}`).toBe(`${route.path}: clean`);
    }
  });

  it('still lets A reach his own objects (the probes above are meaningful)', async () => {
    expect((await p.call('GET', `/api/v1/tenants/${a.tenantId}`, { token: a.token })).status).toBe(200);
    expect((await p.call('GET', `/api/v1/tenants/${a.tenantId}/members`, { token: a.token })).body.total).toBe(2);
  });
});
