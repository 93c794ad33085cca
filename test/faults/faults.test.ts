import { OrderItem } from '../../domain/entities';
import { pidAlive } from '../support/processes';
import { waitForPort } from '../../scripts/lib/temporal-cli';
import { runAutoscaleBatch } from './autoscale-batch';
import { runBillingBatch } from './billing-batch';
import { runEvacuationBatch } from './evacuation-batch';
import { runOrderBatch, type FaultRow } from './orders-batch';
import { runSiteBatch } from './site-batch';
import { startFaultRig, type FaultRig } from './rig';

/**
 * FAULTS_WORKLOADS (comma-separated, as for bench/faults.ts) picks the workloads: `order`, `autoscale` and `site` run by
 * default. `evacuation` is off by default in CI: ordering its servers, gathering them on one host and evacuating it under
 * 503s took 16 to 18 s, beyond the campaign's budget of about 15 s more; FAULTS_WORKLOADS=evacuation runs it. `site`
 * (sites ordered while an API process is killed; the rig then starts a local shared host's nginx and php-fpm) takes 3
 * to 8 s, and about 63 s when the kill lands between storing a site's order and its site: that order, without a
 * workflow, is failed by the order reconciler after its 60 s deadline (no site was stored, so nothing holds room; before
 * orderSite stored the order first, such a kill left a site `ordered` without an order for ever). `billing` is off by
 * default: a worker killed in a rating run's activity is only replaced once the activity missed its heartbeats (30 s, as
 * the schedule runs it), so the batch took about 32 s; FAULTS_WORKLOADS=billing runs it.
 */
const only = process.env.FAULTS_WORKLOADS?.split(',').map((w) => w.trim());
const selected = (name: string, byDefault: boolean) => (only ? only.includes(name) : byDefault);
const workload = (name: string, byDefault: boolean) => (selected(name, byDefault) ? it : it.skip);
/** Whether the site and billing batches run when FAULTS_WORKLOADS is not set. */
const siteByDefault = true;
const billingByDefault = false;

/**
 * The bounded fault campaign (bench/faults.ts runs the whole one): two API and two worker processes on one Temporal
 * server and one database, a batch of orders under each fault, and nothing lost, duplicated or miscounted.
 */
describe('fault campaign: orders under faults on two APIs and two workers', () => {
  let fr: FaultRig;
  const rows: FaultRow[] = [];
  beforeAll(async () => {
    // A provisioning call on a killed worker runs elsewhere after 10 s instead of the default minute.
    // The shared web-hosting host (nginx and php-fpm on loopback) only when the site batch runs.
    fr = await startFaultRig({
      apis: 2,
      workers: 2,
      activityTimeoutSeconds: 10,
      sites: selected('site', siteByDefault),
    });
  }, 120_000);
  afterAll(async () => {
    if (rows.length) console.log(rows.map((r) => JSON.stringify(r)).join('\n'));
    await fr?.close();
  });

  const expectClean = (row: FaultRow) => {
    expect({ lost: row.lost, duplicated: row.duplicated, drift: row.drift, notes: row.notes }).toEqual({
      lost: 0,
      duplicated: 0,
      drift: 0,
      notes: expect.any(Array),
    });
    expect(row.completed + row.failed).toBe(row.run);
  };

  workload('order', true)(
    '20% of OpenStack calls answering 503: every order ends delivered or failed with its reason, nothing left over',
    async () => {
      const rule = fr.rig.sim.cloud.faults.add({ path: '^/(?!sim-admin)', status: 503, share: 0.2 });
      let row: FaultRow;
      let hits: number;
      try {
        row = await runOrderBatch(fr, { fault: '20% 5xx', orders: 6, concurrency: 3, deadlineMs: 60_000 });
      } finally {
        hits = fr.rig.sim.cloud.faults.list().find((r) => r.id === rule.id)?.hits ?? 0;
        fr.rig.sim.cloud.faults.remove(rule.id);
      }
      // The fault happened: the simulator failed that many calls.
      expect(hits).toBeGreaterThan(0);
      rows.push(row);
      expectClean(row);
      expect(row.completed).toBeGreaterThan(0);
    },
    120_000,
  );

  workload('order', true)(
    'one API and one worker SIGKILLed under load, then the restarted worker killed too: every accepted order completes',
    async () => {
      const [api] = fr.apis;
      const row = await runOrderBatch(fr, {
        fault: 'API + worker SIGKILL (x2)',
        orders: 8,
        concurrency: 4,
        deadlineMs: 120_000,
        async inject(submitted) {
          while (submitted() < 3) await new Promise((r) => setTimeout(r, 50));
          const [first] = fr.workers;
          await Promise.all([fr.killApi(api), fr.killWorker(first)]);
          // The kills are real: both pids are gone and the API's port refuses connections.
          expect(pidAlive(api.pid)).toBe(false);
          expect(pidAlive(first.pid)).toBe(false);
          await expect(waitForPort(api.port, '127.0.0.1', 300)).rejects.toThrow(/nothing listens/);
          const second = await fr.startWorker();
          await new Promise((r) => setTimeout(r, 1000));
          await fr.killWorker(second);
          expect(pidAlive(second.pid)).toBe(false);
          return [`killed API ${api.pid}, workers ${first.pid} and ${second.pid}`];
        },
      });
      rows.push(row);
      expectClean(row);
      // Only submissions cut by the API's death may fail (the client saw the error); every accepted order is delivered.
      expect(row.failed).toBeLessThanOrEqual(row.run - row.accepted);
      expect(row.acceptedDelivered).toBe(row.accepted);
      // The shorter bound reached the provisioning workflows: their calls were scheduled with 10 s to run.
      const item = await fr.rig.p.db.orm.em
        .fork()
        .findOneOrFail(OrderItem, { status: 'delivered' }, { orderBy: { id: 'desc' } });
      const history = await fr.rig.p.temporal.client.workflow.getHandle(`provision-${item.id}`).fetchHistory();
      const bounds = history.events!.flatMap((e) => {
        const t = e.activityTaskScheduledEventAttributes?.startToCloseTimeout;
        return t ? [Number(t.seconds)] : [];
      });
      expect(bounds).toContain(10);
    },
    180_000,
  );

  workload('evacuation', false)(
    'an operator evacuates a host while 20% of OpenStack calls answer 503: every evacuated server is where its record says',
    async () => {
      let rule: { id: string } | undefined;
      let hits = 0;
      const row = await runEvacuationBatch(fr, {
        fault: 'evacuation: 20% 5xx',
        servers: 2,
        concurrency: 1,
        deadlineMs: 60_000,
        around() {
          rule = fr.rig.sim.cloud.faults.add({ path: '^/(?!sim-admin)', status: 503, share: 0.2 });
          return () => {
            hits = fr.rig.sim.cloud.faults.list().find((r) => r.id === rule!.id)?.hits ?? 0;
            fr.rig.sim.cloud.faults.remove(rule!.id);
            return [`the simulator failed ${hits} calls`];
          };
        },
      });
      rows.push(row);
      expect(hits).toBeGreaterThan(0);
      expectClean(row);
      // The host held every server of the batch (and any other left there), each checked against the simulator.
      expect(row.run).toBeGreaterThanOrEqual(2);
      expect(row.completed).toBeGreaterThan(0);
    },
    120_000,
  );

  workload('autoscale', true)(
    'scaling groups forced from 1 to 2 members while 20% of OpenStack calls answer 503: every member is in the cloud',
    async () => {
      let hits = 0;
      const row = await runAutoscaleBatch(fr, {
        fault: 'autoscale: 20% 5xx',
        groups: 2,
        size: 2,
        concurrency: 2,
        deadlineMs: 60_000,
        around() {
          const rule = fr.rig.sim.cloud.faults.add({ path: '^/(?!sim-admin)', status: 503, share: 0.2 });
          return () => {
            hits = fr.rig.sim.cloud.faults.list().find((r) => r.id === rule.id)?.hits ?? 0;
            fr.rig.sim.cloud.faults.remove(rule.id);
            return [`the simulator failed ${hits} calls`];
          };
        },
      });
      rows.push(row);
      expect(hits).toBeGreaterThan(0);
      expectClean(row);
      expect(row.completed).toBeGreaterThan(0);
    },
    120_000,
  );

  workload('site', siteByDefault)(
    'an API SIGKILLed while shared-tier sites are ordered, then replaced: every site ends ready or failed, nothing left over',
    async () => {
      const row = await runSiteBatch(fr, {
        fault: 'site: API SIGKILL',
        sites: 4,
        concurrency: 2,
        deadlineMs: 60_000,
        async inject(requested) {
          while (requested() < 1) await new Promise((r) => setTimeout(r, 20));
          const victim = fr.apis.find((a) => a.proc.exitCode === null && !a.proc.signalCode)!;
          await fr.killApi(victim);
          expect(pidAlive(victim.pid)).toBe(false);
          await fr.startApi();
          return [`killed API ${victim.pid}, replaced`];
        },
      });
      rows.push(row);
      expectClean(row);
      expect(row.completed).toBeGreaterThan(0);
    },
    120_000,
  );

  workload('billing', billingByDefault)(
    'a worker SIGKILLed while rating runs are under way, then replaced: every run closes, each hour charged and billed once',
    async () => {
      const row = await runBillingBatch(fr, {
        fault: 'billing: worker SIGKILL',
        runs: 4,
        resources: 10,
        hours: 24,
        concurrency: 2,
        deadlineMs: 90_000,
        async inject(requested) {
          while (requested() < 1) await new Promise((r) => setTimeout(r, 20));
          const victim = fr.workers.find((w) => w.proc.exitCode === null && !w.proc.signalCode)!;
          await fr.killWorker(victim);
          expect(pidAlive(victim.pid)).toBe(false);
          await fr.startWorker();
          return [`killed worker ${victim.pid}, replaced`];
        },
      });
      rows.push(row);
      expectClean(row);
      expect(row.completed).toBeGreaterThan(0);
    },
    150_000,
  );
});
