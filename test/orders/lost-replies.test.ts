import { MockActivityEnvironment } from '@temporalio/testing';
import { createAutoscalingRecordActivities } from '../../activities/db/autoscaling';
import { createOrderActivities } from '../../activities/db/orders';
import { openCloud, type OpenStackClient } from '../../activities/openstack';
import { createResourceOperateActivities } from '../../activities/openstack/operate-resources';
import { ensureTenantProject } from '../../activities/openstack/provision-project';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { AuditEntry, InboxMessage, Order, ScalingDecisionRecord } from '../../domain/entities';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { eventually } from '../support/eventually';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/**
 * A retry after a lost reply: the activity did its work, its completion never reached Temporal, and the same
 * activity execution (same workflow, run and activity id) runs again. It must find its work done and succeed.
 */
describe('activities retried after a lost reply (SQLite, simulator)', () => {
  let sim: RunningSimulator;
  let p: TestPlatform;
  let tenant: { tenantId: string; userId: string; projectId: string; c: OpenStackClient };
  beforeAll(async () => {
    sim = await startSimulator({ buildMs: 30, actionMs: 20 });
    p = await startTestPlatform({ queues: [] });
    const cloud = openCloud(simulatorProvisionSettings(sim.url));
    const u = await p.tenantUser();
    const { projectId } = await ensureTenantProject(p.db.orm, cloud, u.tenantId);
    tenant = { tenantId: u.tenantId, userId: u.userId, projectId, c: cloud.tenant(projectId) };
  });
  afterAll(async () => {
    await p?.close();
    await sim?.close();
  });

  /** One activity execution, attempt 1 and then its retry. */
  const execution = (activityId: string) => {
    const env = (attempt: number) =>
      new MockActivityEnvironment({
        activityId,
        attempt,
        workflowExecution: { workflowId: `autoscale-${activityId}`, runId: 'run-1' },
      });
    return { first: env(1), retry: env(2) };
  };

  it('recordScalingDecision writes one row for an execution however often it runs, and one per execution', async () => {
    const acts = createAutoscalingRecordActivities(p.db.orm);
    const groupId = crypto.randomUUID();
    const d = { groupId, action: 'scale_out', from: 1, to: 2, reason: 'cpu 90% > 80%', at: Date.now() };
    const a = execution('7');
    await a.first.run(acts.recordScalingDecision, d);
    await a.retry.run(acts.recordScalingDecision, d);
    expect(await p.db.orm.em.fork().count(ScalingDecisionRecord, { groupId })).toBe(1);
    // Another execution with the same content is another decision.
    await execution('8').first.run(acts.recordScalingDecision, d);
    expect(await p.db.orm.em.fork().count(ScalingDecisionRecord, { groupId })).toBe(2);
  });

  it('transitionOrder retried after its update committed still writes its audit entry and inbox message, once', async () => {
    const acts = createOrderActivities(p.db.orm);
    const em = p.db.orm.em.fork();
    const order = Object.assign(new Order(), {
      tenantId: tenant.tenantId,
      userId: tenant.userId,
      status: 'provisioning' as const,
      hourlyPrice: 0,
      monthlyPrice: 0,
    });
    await em.persist(order).flush();
    // The first attempt's UPDATE committed, then the worker died before the audit and inbox entries.
    await em.nativeUpdate(Order, { id: order.id }, { status: 'failed', failure: { step: 'provision', message: 'x' } });
    const t = { orderId: order.id, to: 'failed' as const, by: 'system', failure: { step: 'provision', message: 'x' } };
    expect(await acts.transitionOrder(t)).toBe('failed');
    expect(await acts.transitionOrder(t)).toBe('failed');
    const audit = await p.db.orm.em.fork().find(AuditEntry, { targetId: order.id, action: 'order.failed' });
    expect(audit).toHaveLength(1);
    const inbox = await p.db.orm.em.fork().find(InboxMessage, { userId: tenant.userId, link: `/orders/${order.id}` });
    expect(inbox.map((m) => m.title)).toEqual(['Your order failed']);
    // The approvers' reminder, retried, is one audit entry too.
    await acts.remindApprovers({ orderId: order.id, waitedMs: 60_000 });
    await acts.remindApprovers({ orderId: order.id, waitedMs: 60_000 });
    expect(await p.db.orm.em.fork().count(AuditEntry, { targetId: order.id, action: 'order.reminder' })).toBe(1);
  });

  it('adding a rule, removing it and detaching a volume again succeed when the first attempt did the work', async () => {
    const acts = createResourceOperateActivities(openCloud(simulatorProvisionSettings(sim.url)));
    const { c, projectId } = tenant;
    const sg = await c.network.createSecurityGroup({ name: 'web', description: '' });
    const rule = {
      direction: 'ingress',
      protocol: 'tcp',
      portRangeMin: 443,
      portRangeMax: 443,
      remoteIpPrefix: '0.0.0.0/0',
    };
    const change = (op: 'add_rule' | 'remove_rule' | 'attach' | 'detach', openstackId: string, params: object) =>
      new MockActivityEnvironment().run(acts.changeResourceObject, {
        kind: op.endsWith('rule') ? 'security_group' : 'volume',
        op,
        openstackId,
        params,
        projectId,
      } as Parameters<typeof acts.changeResourceObject>[0]);
    await change('add_rule', sg.id, rule);
    await change('add_rule', sg.id, rule);
    const rules = (await c.network.listSecurityGroupRules({ security_group_id: sg.id })).filter(
      (r) => r.port_range_min === 443,
    );
    expect(rules).toHaveLength(1);
    await change('remove_rule', sg.id, { ruleId: rules[0]!.id });
    await change('remove_rule', sg.id, { ruleId: rules[0]!.id });
    expect(
      (await c.network.listSecurityGroupRules({ security_group_id: sg.id })).filter((r) => r.port_range_min === 443),
    ).toEqual([]);

    const flavors = await openCloud(simulatorProvisionSettings(sim.url)).admin().compute.listFlavors();
    const flavor = flavors.find((f) => f.name === 'm1.small') ?? flavors[0]!;
    const image = (await c.image.listImages({ status: 'active' })).find((i) => String(i.name).startsWith('cirros'))!;
    const net = (await c.network.listNetworks({ shared: true }))[0]!;
    const { id: serverId } = await c.compute.createServer({
      name: 'vm',
      flavorRef: flavor.id,
      imageRef: image.id,
      networks: [{ uuid: net.id }],
    });
    await eventually(
      () => c.compute.getServer(serverId),
      (s) => s.status === 'ACTIVE',
    );
    const { id: volumeId } = await c.blockStorage.createVolume({ size: 1, name: 'data' });
    await eventually(
      () => c.blockStorage.getVolume(volumeId),
      (v) => v.status === 'available',
    );
    expect(await change('attach', volumeId, { serverOpenstackId: serverId })).toMatchObject({ osStatus: 'in-use' });
    expect(await change('attach', volumeId, { serverOpenstackId: serverId })).toMatchObject({ osStatus: 'in-use' });
    expect((await c.compute.listVolumeAttachments(serverId)).filter((a) => a.volumeId === volumeId)).toHaveLength(1);
    expect(await change('detach', volumeId, { serverOpenstackId: serverId })).toMatchObject({ osStatus: 'available' });
    expect(await change('detach', volumeId, { serverOpenstackId: serverId })).toMatchObject({ osStatus: 'available' });
    expect((await c.blockStorage.getVolume(volumeId)).status).toBe('available');
  });
});
