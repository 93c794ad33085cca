import { Worker } from '@temporalio/worker';
import { setTenantLimits } from '../../activities/db/quota-store';
import { openCloud } from '../../activities/openstack';
import { simulatorProvisionSettings } from '../../activities/openstack/provision-settings';
import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { autoscaleWorkflowId } from '../../workflows/autoscale';
import { dataConverter } from '../../workers/data-converter';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { ensurePrometheus, startPrometheus, type RunningPrometheus } from '../support/prometheus';
import {
  catalogFlavor,
  loadBalancerFixture,
  simCreds,
  tenantProject,
  poolMembers,
  setGroupLoad,
  waitFor,
  type LbFixture,
} from './cloud-fixture';

const missing = ensurePrometheus();
if (missing) console.warn(`autoscaling suite skipped: ${missing}`);
const suite = missing ? describe.skip : describe;

/** Evaluation period of the groups under test (seconds); Prometheus scrapes and evaluates every second. */
const EVAL_S = 2;
const COOLDOWN_S = 5;
const SCRAPE_S = 1;

suite('autoscaling with real Prometheus, Temporal and the simulator', () => {
  let sim: RunningSimulator;
  let prom: RunningPrometheus;
  let p: TestPlatform;
  let fx: LbFixture;
  /** The catalog flavor product the groups' templates name. */
  let flavorId: string;
  let tenant: Awaited<ReturnType<TestPlatform['tenantUser']>>;

  beforeAll(async () => {
    sim = await startSimulator({ buildMs: 200, actionMs: 30 });
    prom = startPrometheus(sim.url);
    p = await startTestPlatform({
      activityDeps: {
        autoscaling: { openstack: simCreds(sim), prometheusUrl: prom.url },
        provision: simulatorProvisionSettings(sim.url),
      },
    });
    tenant = await p.tenantUser('asg-co');
    fx = await loadBalancerFixture(sim, await tenantProject(p.db.orm, sim, tenant.tenantId));
    flavorId = await catalogFlavor(p, 'asg-tiny');
  });
  afterAll(async () => {
    await p?.close();
    await prom?.stop();
    await sim?.close();
  });

  const groupBody = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    template: {
      flavorId,
      imageId: fx.imageId,
      networkId: fx.networkId,
      protocolPort: 8080,
      userData: '#cloud-config\n',
    },
    minSize: 1,
    maxSize: 3,
    poolId: fx.poolId,
    subnetId: fx.subnetId,
    evaluationSeconds: EVAL_S,
    cooldownSeconds: COOLDOWN_S,
    scaleInStrategy: 'OLDEST_FIRST',
    policies: [
      {
        name: 'cpu-high',
        comparison: 'above',
        threshold: 40,
        windowSeconds: 2,
        adjustmentType: 'CHANGE_IN_CAPACITY',
        adjustment: 1,
      },
      {
        name: 'cpu-low',
        comparison: 'below',
        threshold: 15,
        windowSeconds: 2,
        adjustmentType: 'CHANGE_IN_CAPACITY',
        adjustment: -1,
      },
    ],
    ...extra,
  });

  const state = (id: string) =>
    p.call('GET', `/api/v1/scaling-groups/${id}/state`, { token: tenant.token }).then((r) => r.body);
  const activeMembers = (s: any) => (s?.members ?? []).filter((m: any) => m.status === 'active');

  /** Every group the suite made, whose workflow history the last test replays. */
  const made: string[] = [];
  async function createGroup(name: string, extra: Record<string, unknown> = {}) {
    const r = await p.call('POST', '/api/v1/scaling-groups', { token: tenant.token, body: groupBody(name, extra) });
    expect(r.status).toBe(201);
    made.push(r.body.id);
    return r.body.id as string;
  }

  async function deleteGroup(id: string) {
    expect((await p.call('DELETE', `/api/v1/scaling-groups/${id}`, { token: tenant.token })).status).toBe(202);
    await waitFor(
      'group deleted',
      () => p.call('GET', `/api/v1/scaling-groups/${id}`, { token: tenant.token }),
      (r) => r.status === 404,
      30_000,
    );
  }

  it('scales out within two evaluation periods of load, then in after the cooldown, the pool following', async () => {
    const id = await createGroup('web');
    // Starts at min size, the member in the pool once ACTIVE; idle CPU holds it at min.
    const idle = await waitFor(
      'first member in the pool',
      () => state(id),
      (s) => activeMembers(s).length === 1 && s.lastMetrics?.['2'] !== undefined,
      30_000,
    );
    const first = activeMembers(idle)[0];
    expect((await poolMembers(fx)).map((m) => m.address)).toEqual([first.address]);
    expect(idle.decisions.some((d: any) => d.action === 'scale_in' || d.action === 'scale_out')).toBe(false);

    const injected = Date.now();
    expect(await setGroupLoad(sim, id, 1)).toEqual([first.serverId]);
    const out = await waitFor(
      'scale_out decision',
      () => state(id),
      (s) => s.decisions.some((d: any) => d.action === 'scale_out'),
      20_000,
    );
    const decision = out.decisions.find((d: any) => d.action === 'scale_out');
    const periods = (Date.parse(decision.at) - injected) / (EVAL_S * 1000);
    // Two evaluation periods, plus the one scrape interval the sample needs to reach Prometheus.
    expect(periods).toBeLessThanOrEqual(2 + SCRAPE_S / EVAL_S);
    expect(decision).toMatchObject({ from: 1, to: 2, metric: expect.any(Number) });
    expect(decision.metric).toBeGreaterThan(40);

    const two = await waitFor(
      'second member ACTIVE',
      () => state(id),
      (s) => activeMembers(s).length === 2,
      20_000,
    );
    // The load balancer now spreads the load over both members.
    await setGroupLoad(sim, id, 0.3);
    const pooled = await poolMembers(fx);
    expect(pooled.map((m) => m.address).sort()).toEqual(
      activeMembers(two)
        .map((m: any) => m.address)
        .sort(),
    );
    expect(pooled.map((m) => m.id).sort()).toEqual(
      activeMembers(two)
        .map((m: any) => m.poolMemberId)
        .sort(),
    );

    // Load removed: scale-in waits for the cooldown of the scale-out, then removes the oldest member.
    await setGroupLoad(sim, id, 0);
    const inn = await waitFor(
      'scale_in decision',
      () => state(id),
      (s) => s.decisions.some((d: any) => d.action === 'scale_in'),
      30_000,
    );
    const scaleIn = inn.decisions.find((d: any) => d.action === 'scale_in');
    expect(Date.parse(scaleIn.at) - Date.parse(decision.at)).toBeGreaterThanOrEqual(COOLDOWN_S * 1000);
    expect(scaleIn).toMatchObject({ from: 2, to: 1 });
    const one = await waitFor(
      'one member left',
      () => state(id),
      (s) => s.members.length === 1 && activeMembers(s).length === 1,
      20_000,
    );
    expect(activeMembers(one)[0].id).not.toBe(first.id);
    expect((await poolMembers(fx)).map((m) => m.address)).toEqual([activeMembers(one)[0].address]);
    await expect(fx.os.compute.getServer(first.serverId)).rejects.toMatchObject({ status: 404 });

    const history = await p.call('GET', `/api/v1/scaling-groups/${id}/decisions`, { token: tenant.token });
    expect(history.body.items.map((d: any) => d.action)).toEqual(expect.arrayContaining(['scale_out', 'scale_in']));
    const members = await p.call('GET', `/api/v1/scaling-groups/${id}/members?includeRemoved=true`, {
      token: tenant.token,
    });
    expect(members.body.items.find((m: any) => m.id === first.id)).toMatchObject({ status: 'removed' });
    await deleteGroup(id);
    expect(await poolMembers(fx)).toEqual([]);
  });

  it('replaces a member in ERROR: out of the pool, deleted, a new one ACTIVE in its place', async () => {
    const id = await createGroup('err', { policies: [] });
    const s0 = await waitFor(
      'member ACTIVE',
      () => state(id),
      (s) => activeMembers(s).length === 1,
      30_000,
    );
    const victim = activeMembers(s0)[0];
    await openCloud(fx.creds)
      .admin()
      .session.post('compute', `/servers/${victim.serverId}/action`, { 'os-resetState': { state: 'error' } });
    const s1 = await waitFor(
      'replacement ACTIVE',
      () => state(id),
      (s) => activeMembers(s).length === 1 && activeMembers(s)[0].id !== victim.id && s.members.length === 1,
      30_000,
    );
    expect(s1.decisions[0]).toMatchObject({ action: 'replace' });
    expect(activeMembers(s1)[0].cause).toBe('replace');
    expect((await poolMembers(fx)).map((m) => m.address)).toEqual([activeMembers(s1)[0].address]);
    await expect(fx.os.compute.getServer(victim.serverId)).rejects.toMatchObject({ status: 404 });
    await deleteGroup(id);
  });

  it('obeys pause, resume and a forced size, never above max nor over the tenant quota', async () => {
    const id = await createGroup('ops', { maxSize: 4 });
    await waitFor(
      'member ACTIVE',
      () => state(id),
      (s) => activeMembers(s).length === 1,
      30_000,
    );
    expect((await p.call('POST', `/api/v1/scaling-groups/${id}/pause`, { token: tenant.token })).status).toBe(202);
    await waitFor(
      'paused',
      () => state(id),
      (s) => s.status === 'paused',
    );
    await setGroupLoad(sim, id, 1);
    await new Promise((r) => setTimeout(r, (2 * EVAL_S + SCRAPE_S) * 1000));
    const paused = await state(id);
    expect(paused.decisions.some((d: any) => d.action === 'scale_out')).toBe(false);
    expect(paused.members).toHaveLength(1);

    expect(
      (await p.call('POST', `/api/v1/scaling-groups/${id}/force-size`, { token: tenant.token, body: { size: 9 } }))
        .status,
    ).toBe(422);
    // Quota: 1 instance of this group plus whatever else runs leaves room for one more member only.
    const used = (await p.call('GET', `/api/v1/scaling-groups/${id}/members`, { token: tenant.token })).body
      .total as number;
    await setTenantLimits(p.db.orm, tenant.tenantId, { instances: used + 1 });
    expect(
      (await p.call('POST', `/api/v1/scaling-groups/${id}/force-size`, { token: tenant.token, body: { size: 4 } }))
        .status,
    ).toBe(202);
    const forced = await waitFor(
      'forced size applied',
      () => state(id),
      (s) => s.decisions.some((d: any) => d.action === 'force') && activeMembers(s).length === 2,
      30_000,
    );
    expect(forced.decisions.find((d: any) => d.action === 'force')).toMatchObject({ to: 2, clampedBy: 'quota' });
    expect(forced.desiredCapacity).toBe(2);
    await setTenantLimits(p.db.orm, tenant.tenantId, { instances: null });

    await setGroupLoad(sim, id, 0.3);
    expect((await p.call('POST', `/api/v1/scaling-groups/${id}/resume`, { token: tenant.token })).status).toBe(202);
    await waitFor(
      'running',
      () => state(id),
      (s) => s.status === 'running',
    );
    expect(
      (await p.call('PATCH', `/api/v1/scaling-groups/${id}`, { token: tenant.token, body: { minSize: 3 } })).status,
    ).toBe(202);
    const grown = await waitFor(
      'min raised to 3',
      () => state(id),
      (s) => s.minSize === 3 && activeMembers(s).length === 3,
      30_000,
    );
    expect(grown.decisions[0]).toMatchObject({ action: 'settings', to: 3, clampedBy: 'min' });
    expect((await poolMembers(fx)).length).toBe(3);
    await deleteGroup(id);
    expect(await poolMembers(fx)).toEqual([]);
  });

  it('keeps groups to their tenant and validates bounds', async () => {
    const other = await p.tenantUser('asg-other');
    const id = await createGroup('mine', { policies: [] });
    expect((await p.call('GET', `/api/v1/scaling-groups/${id}`, { token: other.token })).status).toBe(404);
    expect(
      (await p.call('POST', `/api/v1/scaling-groups/${id}/force-size`, { token: other.token, body: { size: 2 } }))
        .status,
    ).toBe(404);
    expect((await p.call('GET', '/api/v1/scaling-groups', { token: other.token })).body.total).toBe(0);
    expect(
      (
        await p.call('POST', '/api/v1/scaling-groups', {
          token: tenant.token,
          body: groupBody('bad', { minSize: 4, maxSize: 2 }),
        })
      ).status,
    ).toBe(422);
    // Flavors come from the catalog only: a Nova flavor id, even a public one, is unknown.
    const novaFlavor = await p.call('POST', '/api/v1/scaling-groups', {
      token: tenant.token,
      body: groupBody('nova', { template: { ...groupBody('nova').template, flavorId: fx.flavorId } }),
    });
    expect(novaFlavor.status).toBe(422);
    expect(novaFlavor.body.details).toEqual([
      expect.objectContaining({ path: 'template.flavorId', message: `unknown flavor ${fx.flavorId}` }),
    ]);
    expect(
      (await p.call('PATCH', `/api/v1/scaling-groups/${id}`, { token: tenant.token, body: { maxSize: 0 } })).status,
    ).toBe(422);
    await deleteGroup(id);
  });

  it("replays every group's history with the workflow code: scaling, replacement, signals, quota and deletion", async () => {
    expect(made.length).toBeGreaterThanOrEqual(4);
    const bundle = process.env.CMP_WORKFLOW_BUNDLE
      ? { workflowBundle: { codePath: process.env.CMP_WORKFLOW_BUNDLE } }
      : { workflowsPath: require.resolve('../../workflows') };
    for (const id of made) {
      const handle = p.temporal.client.workflow.getHandle(autoscaleWorkflowId(id));
      expect(await handle.result()).toMatchObject({ groupId: id, status: 'deleted' });
      await Worker.runReplayHistory(
        { ...bundle, dataConverter: dataConverter() },
        await handle.fetchHistory(),
        autoscaleWorkflowId(id),
      );
    }
  });
});
