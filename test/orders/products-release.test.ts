import { CloudResource, User } from '../../domain/entities';
import { defaultPolicyId } from '../../api/routers/firewall-policies';
import { strongPassword } from '../support/platform';
import { waitFor } from '../support/eventually';
import { startOrderRig, type OrderRig } from './support';
import { orderAndDeliver, tenantCloud } from './product-orders';

/** Firewall policies and load balancers: the default policy made once, and both released with their tenant (REST, Temporal, simulator). */
describe('tenant products made once and released with the account', () => {
  let rig: OrderRig;
  beforeAll(async () => {
    rig = await startOrderRig();
    const lb = { kind: 'load_balancer', name: `lb-${Date.now()}`, hourlyPrice: 0.02, monthlyPrice: 12 };
    expect((await rig.p.call('POST', '/api/v1/catalog/products', { token: rig.operator, body: lb })).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('makes one default policy and one security group when the first lists come at once', async () => {
    const user = await rig.p.tenantUser();
    const cloud = await tenantCloud(rig, user);
    const lists = await Promise.all(
      Array.from({ length: 6 }, () => rig.p.call('GET', '/api/v1/firewall-policies', { token: user.token })),
    );
    expect(lists.map((l) => l.status)).toEqual(Array(6).fill(200));
    for (const l of lists) expect(l.body.items.map((p: { name: string }) => p.name)).toEqual(['default']);

    const rows = await rig.p.db.orm.em.fork().find(CloudResource, { tenantId: user.tenantId, kind: 'firewall_policy' });
    expect(rows.map((r) => [r.id, r.name, r.status])).toEqual([[defaultPolicyId(user.tenantId), 'default', 'active']]);
    const groups = await cloud.mine.network.listSecurityGroups({ description: `cmp:${rows[0]!.id}` });
    expect(groups.map((g) => g.id)).toEqual([rows[0]!.openstackId]);
    // A later list finds it made: nothing new.
    const again = await rig.p.call('GET', '/api/v1/firewall-policies', { token: user.token });
    expect(again.body.items.map((p: { id: string }) => p.id)).toEqual([rows[0]!.id]);
  }, 120_000);

  it("deregistering with releaseResources deletes the tenant's load balancer and firewall policies through their processes", async () => {
    const user = await rig.p.tenantUser();
    const cloud = await tenantCloud(rig, user);
    const done = await orderAndDeliver(rig, user, [
      {
        kind: 'load_balancer',
        name: 'front',
        size: 'small',
        listeners: [{ protocol: 'HTTP', port: 80, pool: { algorithm: 'ROUND_ROBIN', memberPort: 8080, members: [] } }],
      },
    ]);
    expect(done.failure).toBeNull();
    const policy = await rig.p.call('POST', '/api/v1/firewall-policies', {
      token: user.token,
      body: { name: 'web', rules: [{ direction: 'ingress', protocol: 'tcp', portMin: 80, portMax: 80 }] },
    });
    expect(policy.status).toBe(201);
    const em = rig.p.db.orm.em.fork();
    const live = await em.find(CloudResource, { tenantId: user.tenantId, status: { $ne: 'deleted' } });
    expect(live.map((r) => r.kind).sort()).toEqual(['firewall_policy', 'firewall_policy', 'load_balancer']);
    const lb = live.find((r) => r.kind === 'load_balancer')!;
    const groups = live.filter((r) => r.kind === 'firewall_policy').map((r) => r.openstackId!);

    const me = (await rig.p.call('GET', '/api/v1/auth/me', { token: user.token })).body;
    const asked = await rig.p.call('POST', '/api/v1/account/deregister', {
      token: user.token,
      body: { password: strongPassword, releaseResources: true },
    });
    expect(asked.status).toBe(202);
    const staff = (await rig.p.staff(['operator'])).token;
    const ended = await waitFor(
      'the release to end',
      () => rig.p.call('GET', `/api/v1/users/${me.id}/deregistration`, { token: staff }),
      (r) => r.status === 200 && r.body.state !== 'releasing',
      90_000,
      250,
    );
    expect(ended.body).toMatchObject({ state: 'deregistered', total: 3, released: 3, failed: [] });
    await expect(cloud.mine.loadBalancer.getLoadBalancer(lb.openstackId!)).rejects.toMatchObject({ status: 404 });
    for (const g of groups) await expect(cloud.mine.network.getSecurityGroup(g)).rejects.toMatchObject({ status: 404 });
    const after = await rig.p.db.orm.em.fork().find(CloudResource, { tenantId: user.tenantId });
    expect(after.every((r) => r.status === 'deleted')).toBe(true);
    expect((await rig.p.db.orm.em.fork().findOneOrFail(User, { id: me.id })).status).toBe('deregistered');
  }, 150_000);
});
