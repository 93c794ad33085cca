import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalHostAgent } from '../../activities/sites/local-agent';
import { spaceOf } from '../../activities/sites/space';
import { Order, Site } from '../../domain/entities';
import { orderReconcileWorkflow } from '../../workflows/order-reconcile';
import { startOrderRig, type OrderRig } from '../orders/support';
import { freePort } from '../support/free-port';
import {
  killAndProve,
  spawnTs,
  startWorkerChild,
  workerProcessFile,
  waitForOutput,
  waitPolling,
  type TsChild,
  type WorkerChild,
} from '../support/processes';
import { waitForPort } from '../../scripts/lib/temporal-cli';

/** The secret the test platform signs tokens with (test/support/platform.ts): API processes share it. */
const authSecret = 'test-secret-test-secret-test-secret-0123';

export interface ApiChild extends TsChild {
  port: number;
}

export interface CallResult {
  status: number;
  body: any;
}

/**
 * The campaign's deployment: the order rig (simulator, database, catalog, queue prefix, an in-process app for setup
 * only, no in-process workers), `apis` API processes and `workers` worker processes on it, and a client that spreads
 * requests over the live APIs as a load balancer does.
 */
export interface FaultRig {
  rig: OrderRig;
  /** The shared web-hosting host on loopback (with `sites`): its nginx and php-fpm run in this process. */
  sites?: { agent: LocalHostAgent; root: string; httpPort: number; fpmBasePort: number };
  apis: ApiChild[];
  workers: WorkerChild[];
  queues(): string[];
  /** A request to one of the live APIs, in turn; one another API answers when the chosen one refuses the connection. */
  call(method: string, url: string, opts?: { token?: string; body?: unknown }): Promise<CallResult>;
  /** The `err` messages of the unhandled errors (500s) every API process so far logged. */
  apiErrors(): string[];
  startApi(): Promise<ApiChild>;
  startWorker(): Promise<WorkerChild>;
  /** SIGKILLs the API and proves it: the pid is gone and its port refuses connections. */
  killApi(api: ApiChild): Promise<void>;
  /** SIGKILLs the worker and proves it: its pid is gone (Temporal hands its unfinished tasks on when their timeouts pass). */
  killWorker(worker: WorkerChild): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultRig(opts: {
  apis: number;
  workers: number;
  buildMs?: number;
  /**
   * PROVISION_ACTIVITY_TIMEOUT_SECONDS of the API processes: how long a provisioning call on a killed worker waits
   * before another worker runs it (the platform's default, 60, when absent).
   */
  activityTimeoutSeconds?: number;
  /**
   * A local shared web-hosting host: its web stack (nginx, php-fpm; no FTP) started here, so it outlives every killed
   * worker, and the API and worker processes given its directory and ports (their local agents find it by its pid files).
   */
  sites?: boolean;
}): Promise<FaultRig> {
  // Tenants register and are active at once (no e-mailed link), as in every suite.
  const rig = await startOrderRig({
    buildMs: opts.buildMs ?? 300,
    env: { REGISTRATION_EMAIL_VERIFICATION: 'false' },
    platform: { queues: [] },
  });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cmp-faults-'));
  let sites: FaultRig['sites'];
  if (opts.sites) {
    // nginx's workers and the sites' users walk through the data directory to the code spaces.
    chmodSync(dataDir, 0o755);
    const root = path.join(dataDir, 'sites');
    const httpPort = await freePort();
    const fpmBasePort = 30_000 + (process.pid % 400) * 50;
    const agent = new LocalHostAgent({ root, httpPort, fpmBasePort });
    try {
      await agent.ensureStack();
    } catch (e) {
      await agent.stop();
      await rig.close();
      throw e;
    }
    sites = { agent, root, httpPort, fpmBasePort };
  }
  const env = {
    CMP_DATABASE_URL: rig.p.db.url,
    CMP_QUEUE_PREFIX: rig.p.temporal.prefix,
    CMP_SIM_URL: rig.sim.url,
    CMP_AUTH_SECRET: authSecret,
    CMP_DATA_DIR: dataDir,
    ...(opts.activityTimeoutSeconds ? { PROVISION_ACTIVITY_TIMEOUT_SECONDS: String(opts.activityTimeoutSeconds) } : {}),
    ...(sites
      ? {
          CMP_SITES_DIR: sites.root,
          CMP_SITES_HTTP_PORT: String(sites.httpPort),
          CMP_SITES_FPM_BASE_PORT: String(sites.fpmBasePort),
        }
      : {}),
  };
  const apis: ApiChild[] = [];
  const everyApi: ApiChild[] = [];
  const workers: WorkerChild[] = [];
  const everyChild: TsChild[] = [];
  const queues = () => Object.values(rig.p.deps.queues) as string[];
  let turn = 0;

  const startApi = async () => {
    const child = spawnTs(path.join(__dirname, 'api-process.ts'), { env });
    everyChild.push(child);
    await waitForOutput(child, 'api-ready ', 60_000);
    const api = { ...child, port: Number(/api-ready (\d+)/.exec(child.output())![1]) };
    apis.push(api);
    everyApi.push(api);
    return api;
  };
  const startWorker = async () => {
    const w = await startWorkerChild(workerProcessFile, env);
    everyChild.push(w);
    workers.push(w);
    await waitPolling(rig.p.temporal.client, queues(), w.identity);
    return w;
  };
  const live = <T extends TsChild>(list: T[]) => list.filter((c) => c.proc.exitCode === null && !c.proc.signalCode);

  const call: FaultRig['call'] = async (method, url, o = {}) => {
    const headers: Record<string, string> = {};
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const candidates = live(apis);
    let lastErr: unknown;
    for (let i = 0; i < candidates.length; i++) {
      const api = candidates[(turn++ + i) % candidates.length];
      try {
        const res = await fetch(`http://127.0.0.1:${api.port}${url}`, {
          method,
          headers,
          body: o.body === undefined ? undefined : JSON.stringify(o.body),
        });
        const text = await res.text();
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          /* not JSON */
        }
        return { status: res.status, body };
      } catch (e) {
        lastErr = e;
        // Only a refused connection is safe to send elsewhere: a request cut mid-way may have been carried out.
        const code = ((e as { cause?: { code?: string } }).cause ?? {}).code;
        if (code !== 'ECONNREFUSED' && method !== 'GET') throw e;
      }
    }
    throw lastErr ?? new Error('no API process is running');
  };

  try {
    await Promise.all([
      ...Array.from({ length: opts.apis }, () => startApi()),
      ...Array.from({ length: opts.workers }, () => startWorker()),
    ]);
  } catch (e) {
    await Promise.all(everyChild.map((c) => killAndProve(c)));
    await sites?.agent.stop();
    await rig.close();
    throw e;
  }

  return {
    rig,
    sites,
    apis,
    workers,
    queues,
    call,
    apiErrors: () =>
      everyApi.flatMap((a) =>
        a
          .output()
          .split('\n')
          .filter((l) => l.includes('"level":50'))
          .map((l) => {
            const e = (JSON.parse(l) as { err?: { type?: string; message?: string } }).err;
            const m = e?.message ?? l;
            return `${e?.type ?? 'Error'}: ${m.length > 300 ? `${m.slice(0, 150)} … ${m.slice(-150)}` : m}`;
          }),
      ),
    startApi,
    startWorker,
    async killApi(api) {
      await killAndProve(api);
      const refused = await waitForPort(api.port, '127.0.0.1', 500).then(
        () => false,
        () => true,
      );
      if (!refused) throw new Error(`port ${api.port} still accepts connections after the API was killed`);
    },
    killWorker: (w) => killAndProve(w),
    async close() {
      await Promise.all(everyChild.map((c) => killAndProve(c)));
      if (sites) {
        // The web stack stops, then every site the campaign made leaves the host (its system user too; with the stack
        // down nothing is reloaded).
        const problems: string[] = [];
        await sites.agent.stop();
        for (const site of await rig.p.db.orm.em.fork().find(Site, {}))
          await sites.agent
            .removeSite(spaceOf(site))
            .catch((e: Error) => problems.push(`site ${site.id}: ${e.message.slice(0, 200)}`));
        // No system user of a code space in this directory outlives the campaign, whatever left it.
        const home = path.join(sites.root, 'sites') + path.sep;
        for (const [user, dir] of readFileSync('/etc/passwd', 'utf8')
          .split('\n')
          .map((l) => l.split(':'))
          .map((f) => [f[0], f[5] ?? ''])) {
          if (!dir.startsWith(home)) continue;
          problems.push(`system user ${user} was left on the host`);
          try {
            execFileSync('userdel', [user]);
          } catch (e) {
            problems.push(`userdel ${user}: ${(e as Error).message.slice(0, 200)}`);
          }
        }
        if (problems.length) console.warn(`fault rig: removing the sites: ${problems.join('; ')}`);
      }
      await rig.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Order statuses that end an order. */
export const terminalOrderStatuses = ['delivered', 'rejected', 'cancelled', 'expired', 'failed'];

/**
 * Waits until every order of the tenant ended, running the order reconciler once when some are still open at the
 * deadline (as its schedule would) and waiting 30 s more; answers the notes for the table.
 */
export async function settleOrders(fr: FaultRig, tenantId: string, deadlineMs: number): Promise<string[]> {
  const em = () => fr.rig.p.db.orm.em.fork();
  const open = async () =>
    (await em().find(Order, { tenantId })).filter((o) => !terminalOrderStatuses.includes(o.status));
  const deadline = Date.now() + deadlineMs;
  while ((await open()).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  if (!(await open()).length) return [];
  const { client } = fr.rig.p.temporal;
  const summary = await client.workflow.execute(orderReconcileWorkflow, {
    taskQueue: fr.rig.p.deps.queues.orchestration,
    workflowId: `order-reconcile-faults-${Date.now()}`,
    args: [{ graceMs: 0 }],
  });
  const after = Date.now() + 30_000;
  while ((await open()).length && Date.now() < after) await new Promise((r) => setTimeout(r, 500));
  return [`order reconciler settled ${summary.settled.length}`];
}
