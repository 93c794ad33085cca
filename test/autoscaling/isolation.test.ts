import { CloudResource } from '../../domain/entities';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { catalogFlavor, loadBalancerFixture, simCreds, tenantProject, waitFor, type LbFixture } from './cloud-fixture';

describe('isolation: QoS bandwidth limits on ports, listener session limits (Temporal + simulator)', () => {
  let sim: RunningSimulator;
  let p: TestPlatform;
  let fx: LbFixture;
  /** The catalog flavor product of the groups' templates (fx.flavorId is its Nova flavor). */
  let flavorId: string;
  let tenant: Awaited<ReturnType<TestPlatform['tenantUser']>>;
  let serverId: string;
  let resourceId: string;

  beforeAll(async () => {
    sim = await startSimulator({ buildMs: 100, actionMs: 30 });
    p = await startTestPlatform({
      activityDeps: { autoscaling: { openstack: simCreds(sim) }, provision: simulatorProvisionSettings(sim.url) },
    });
    tenant = await p.tenantUser('iso-co');
    fx = await loadBalancerFixture(sim, await tenantProject(p.db.orm, sim, tenant.tenantId));
    flavorId = await catalogFlavor(p, 'iso-tiny');
    const server = await fx.os.compute.createServer({
      name: 'web-1',
      flavorRef: fx.flavorId,
      imageRef: fx.imageId,
      networks: [{ uuid: fx.networkId }],
    });
    serverId = server.id;
    await waitFor(
      'server ACTIVE',
      () => fx.os.compute.getServer(serverId),
      (s) => s.status === 'ACTIVE',
    );
    const em = p.db.orm.em.fork();
    const r = Object.assign(new CloudResource(), {
      tenantId: tenant.tenantId,
      kind: 'server' as const,
      openstackId: serverId,
      name: 'web-1',
      status: 'active' as const,
    });
    await em.persistAndFlush(r);
    resourceId = r.id;
  });
  afterAll(async () => {
    await p?.close();
    await sim?.close();
  });

  const ports = async () => fx.os.network.listPorts({ device_id: serverId });

  it('binds a bandwidth-limit rule to every port of the server, updates it in place and removes it', async () => {
    const r = await p.call('PUT', `/api/v1/isolation/servers/${resourceId}/bandwidth-limit`, {
      token: tenant.token,
      body: { maxKbps: 10_000 },
    });
    expect(r.status).toBe(200);
    expect(r.body.portIds.length).toBeGreaterThan(0);
    for (const port of await ports()) expect(port.qos_policy_id).toBe(r.body.policyId);
    const rules = async () => fx.os.network.listBandwidthLimitRules(r.body.policyId);
    expect(await rules()).toEqual([
      expect.objectContaining({ id: r.body.ruleId, max_kbps: 10_000, max_burst_kbps: 8_000 }),
    ]);

    const again = await p.call('PUT', `/api/v1/isolation/servers/${resourceId}/bandwidth-limit`, {
      token: tenant.token,
      body: { maxKbps: 2_000, maxBurstKbps: 500 },
    });
    expect(again.body).toMatchObject({ policyId: r.body.policyId, ruleId: r.body.ruleId });
    expect(await rules()).toEqual([expect.objectContaining({ max_kbps: 2_000, max_burst_kbps: 500 })]);

    expect(
      (await p.call('DELETE', `/api/v1/isolation/servers/${resourceId}/bandwidth-limit`, { token: tenant.token }))
        .status,
    ).toBe(204);
    for (const port of await ports()) expect(port.qos_policy_id).toBeNull();
    await expect(fx.os.network.getQosPolicy(r.body.policyId)).rejects.toMatchObject({ status: 404 });
  });

  it('undoes a bandwidth limit Neutron refuses half way: the rule and policy it made removed, the ports as they were', async () => {
    const policies = () => fx.os.network.listQosPolicies({ name: `cmp-bw-${serverId}` });
    expect(await policies()).toEqual([]);
    // The policy and its rule are made, then binding a port is refused (400: not retried).
    sim.cloud.faults.add({ method: 'PUT', path: '/network/v2\\.0/ports/[^/]+$', status: 400, remaining: 1 });
    const r = await p.call('PUT', `/api/v1/isolation/servers/${resourceId}/bandwidth-limit`, {
      token: tenant.token,
      body: { maxKbps: 7_000 },
    });
    sim.cloud.faults.clear();
    expect(r.status).toBe(422);
    expect(await policies()).toEqual([]);
    for (const port of await ports()) expect(port.qos_policy_id).toBeNull();
  });

  it("sets a group's listener connection_limit, and refuses other tenants and unknown listeners", async () => {
    const g = await p.call('POST', '/api/v1/scaling-groups', {
      token: tenant.token,
      body: {
        name: 'sessions',
        template: { flavorId, imageId: fx.imageId, networkId: fx.networkId },
        minSize: 0,
        maxSize: 1,
        evaluationSeconds: 60,
      },
    });
    expect(g.status).toBe(201);
    const r = await p.call('PUT', `/api/v1/isolation/scaling-groups/${g.body.id}/session-limit`, {
      token: tenant.token,
      body: { listenerId: fx.listenerId, connectionLimit: 500 },
    });
    expect(r.status).toBe(200);
    expect(r.body.connectionLimit).toBe(500);
    const listener = await fx.os.loadBalancer.getListener(fx.listenerId);
    expect(listener.connection_limit).toBe(500);

    const other = await p.tenantUser('iso-other');
    expect(
      (
        await p.call('PUT', `/api/v1/isolation/scaling-groups/${g.body.id}/session-limit`, {
          token: other.token,
          body: { listenerId: fx.listenerId, connectionLimit: 1 },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await p.call('PUT', `/api/v1/isolation/servers/${resourceId}/bandwidth-limit`, {
          token: other.token,
          body: { maxKbps: 1 },
        })
      ).status,
    ).toBe(404);
    const unknown = await p.call('PUT', `/api/v1/isolation/scaling-groups/${g.body.id}/session-limit`, {
      token: tenant.token,
      body: { listenerId: '00000000-0000-4000-8000-000000000000', connectionLimit: 5 },
    });
    expect(unknown.status).toBe(422);
    expect((await p.call('DELETE', `/api/v1/scaling-groups/${g.body.id}`, { token: tenant.token })).status).toBe(202);
  });

  it('applies the group template bandwidth limit to each new member before it joins the pool', async () => {
    const g = await p.call('POST', '/api/v1/scaling-groups', {
      token: tenant.token,
      body: {
        name: 'limited',
        template: { flavorId, imageId: fx.imageId, networkId: fx.networkId, maxKbps: 3_000 },
        minSize: 1,
        maxSize: 1,
        poolId: fx.poolId,
        subnetId: fx.subnetId,
        evaluationSeconds: 1,
      },
    });
    expect(g.status).toBe(201);
    const s = await waitFor(
      'member ACTIVE',
      () => p.call('GET', `/api/v1/scaling-groups/${g.body.id}/state`, { token: tenant.token }).then((r) => r.body),
      (st: any) => st.members?.[0]?.status === 'active',
      30_000,
    );
    const member = s.members[0];
    const mports = await fx.os.network.listPorts({ device_id: member.serverId });
    expect(mports.length).toBeGreaterThan(0);
    const policy = await fx.os.network.getQosPolicy(mports[0]!.qos_policy_id!);
    expect(policy.rules).toEqual([expect.objectContaining({ type: 'bandwidth_limit', max_kbps: 3_000 })]);
    expect((await p.call('DELETE', `/api/v1/scaling-groups/${g.body.id}`, { token: tenant.token })).status).toBe(202);
    await waitFor(
      'group deleted',
      () => p.call('GET', `/api/v1/scaling-groups/${g.body.id}`, { token: tenant.token }),
      (r) => r.status === 404,
      30_000,
    );
  });
});
