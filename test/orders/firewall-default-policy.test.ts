import { CloudResource } from '../../domain/entities';
import { defaultPolicyId } from '../../api/routers/firewall-policies';
import { startOrderRig, type OrderRig } from './support';
import { tenantCloud } from './product-orders';

/** The tenant's default firewall policy, made by his first list however many lists race (REST, Temporal, simulator). */
describe('default firewall policy made once', () => {
  let rig: OrderRig;
  beforeAll(async () => {
    rig = await startOrderRig();
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
});
