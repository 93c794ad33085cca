/**
 * Autoscaling bench: time from load injected on a group's members to the scale-out decision and to
 * the first new member ACTIVE (in the pool), in evaluation periods; the decision also from the moment
 * the policy's threshold was crossed (the first instant Prometheus's answer to the platform's own
 * query exceeds it, read back with a range query), and the new member's wait between its server
 * turning ACTIVE in Nova and its joining the pool. With a real Temporal dev server,
 * a real Prometheus (1 s scrape) scraping the simulator and the platform's workers in this process.
 * Prints figures; asserts nothing.
 *   npx tsx bench/autoscaling.ts [trials per period] [periods in seconds, comma separated]
 */
import { startTemporalDevServer } from '../scripts/lib/temporal-cli';
import { simulatorProvisionSettings } from '../activities/openstack/provision-settings';
import { startSimulator } from '../simulator/server';
import { freePort } from '../test/support/free-port';
import { startTestPlatform } from '../test/support/platform';
import { ensurePrometheus, startPrometheus } from '../test/support/prometheus';
import {
  catalogFlavor,
  loadBalancerFixture,
  simCreds,
  tenantProject,
  setGroupLoad,
  waitFor,
} from '../test/autoscaling/cloud-fixture';
import { defaultCpuMetric } from '../activities/openstack/autoscale-activities';
import { groupCpuQuery } from '../activities/metrics/group-cpu';
import { promRangeQuery } from '../activities/metrics/prometheus-client';
import { reportFigures, type Figure } from './lib/figures';
import { activityEnds } from './lib/history-timeline';

const TRIALS = Number(process.argv[2] ?? 3);
const PERIODS = (process.argv[3] ?? '1,2').split(',').map(Number);

async function main(): Promise<void> {
  const missing = ensurePrometheus();
  if (missing) throw new Error(missing);
  const port = await freePort();
  const temporal = await startTemporalDevServer({ port });
  process.env.TEMPORAL_ADDRESS = `127.0.0.1:${port}`;
  const sim = await startSimulator({ buildMs: 200, actionMs: 30 });
  const prom = startPrometheus(sim.url);
  const p = await startTestPlatform({
    activityDeps: {
      autoscaling: { openstack: simCreds(sim), prometheusUrl: prom.url },
      provision: simulatorProvisionSettings(sim.url),
    },
  });
  const tenant = await p.tenantUser('bench-co');
  const fx = await loadBalancerFixture(sim, await tenantProject(p.db.orm, sim, tenant.tenantId));
  const flavorId = await catalogFlavor(p, 'bench-tiny');
  const state = (id: string) =>
    p.call('GET', `/api/v1/scaling-groups/${id}/state`, { token: tenant.token }).then((r) => r.body);
  const rows: string[] = [];
  const crossedToDecision: number[] = [];
  const activeToPool: number[] = [];
  try {
    for (const period of PERIODS) {
      for (let t = 0; t < TRIALS; t++) {
        const g = await p.call('POST', '/api/v1/scaling-groups', {
          token: tenant.token,
          body: {
            name: `bench-${period}-${t}`,
            template: { flavorId, imageId: fx.imageId, networkId: fx.networkId, protocolPort: 80 },
            minSize: 1,
            maxSize: 2,
            poolId: fx.poolId,
            subnetId: fx.subnetId,
            evaluationSeconds: period,
            cooldownSeconds: 60,
            policies: [
              {
                name: 'cpu-high',
                comparison: 'above',
                threshold: 40,
                windowSeconds: 2,
                adjustmentType: 'CHANGE_IN_CAPACITY',
                adjustment: 1,
              },
            ],
          },
        });
        const id = g.body.id as string;
        await waitFor(
          'idle member measured',
          () => state(id),
          (s: any) => s.members?.[0]?.status === 'active' && s.lastMetrics?.['2'] !== undefined,
          60_000,
          50,
        );
        const injected = Date.now();
        await setGroupLoad(sim, id, 1);
        const done = await waitFor(
          'second member ACTIVE',
          () => state(id),
          (s: any) => s.members.filter((m: any) => m.status === 'active').length === 2,
          60_000,
          50,
        );
        const decidedAt = Date.parse(done.decisions.find((d: any) => d.action === 'scale_out').at);
        const newest = done.members.reduce((a: any, m: any) =>
          Date.parse(m.activeAt) > Date.parse(a.activeAt) ? m : a,
        );
        const activeAt = Date.parse(newest.activeAt);
        // The first instant (0.1 s steps) the platform's query answers above the threshold.
        const series = await promRangeQuery(
          prom.url,
          groupCpuQuery(defaultCpuMetric, id, 2),
          new Date(injected - 1000),
          new Date(decidedAt),
          0.1,
        );
        const crossedAt = (series[0]?.points.find(([, v]) => v > 40)?.[0] ?? NaN) * 1000;
        const serverActiveAt =
          (await activityEnds(p.temporal.client, `provision-${newest.id}`)).waitServerActive ?? NaN;
        crossedToDecision.push((decidedAt - crossedAt) / 1000 / period);
        activeToPool.push((activeAt - serverActiveAt) / 1000);
        rows.push(
          `period ${period}s trial ${t + 1}: decision after ${((decidedAt - injected) / 1000).toFixed(2)} s = ${((decidedAt - injected) / 1000 / period).toFixed(2)} periods ` +
            `(${((decidedAt - crossedAt) / 1000 / period).toFixed(2)} after the threshold was crossed); ` +
            `new member ACTIVE in pool after ${((activeAt - injected) / 1000).toFixed(2)} s = ${((activeAt - injected) / 1000 / period).toFixed(2)} periods ` +
            `(${((activeAt - serverActiveAt) / 1000).toFixed(2)} s after the platform saw its server ACTIVE)`,
        );
        console.log(rows[rows.length - 1]);
        await p.call('DELETE', `/api/v1/scaling-groups/${id}`, { token: tenant.token });
        await waitFor(
          'group deleted',
          () => p.call('GET', `/api/v1/scaling-groups/${id}`, { token: tenant.token }),
          (r) => r.status === 404,
          60_000,
        );
      }
    }
  } finally {
    await p.close();
    await prom.stop();
    await sim.close();
    temporal.kill('SIGTERM');
  }
  console.log(
    '\nautoscaling: load injected → first new member ACTIVE (Prometheus scrape 1 s, policy window 2 s, build 200 ms)',
  );
  for (const r of rows) console.log(`  ${r}`);
  const worst = (xs: number[]) => Math.max(...xs);
  const figures: Figure[] = [
    {
      figure: `autoscaling: threshold crossed → scale-out decision (worst of ${crossedToDecision.length})`,
      unit: 'periods',
      platform: worst(crossedToDecision),
      reference: 1,
      referenceName: 'one evaluation period',
      better: 'lower',
      target: 1,
    },
    {
      figure: `autoscaling: new member: server seen ACTIVE → in the pool (worst of ${activeToPool.length})`,
      unit: 's',
      platform: worst(activeToPool),
      reference: Math.min(...PERIODS),
      referenceName: 'one evaluation period (joining at the next evaluation)',
      better: 'lower',
      target: 1,
    },
  ];
  reportFigures('autoscaling', figures);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
