import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startOrderRig, type OrderRig } from '../orders/support';
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
}): Promise<FaultRig> {
  // Tenants register and are active at once (no e-mailed link), as in every suite.
  const rig = await startOrderRig({
    buildMs: opts.buildMs ?? 300,
    env: { REGISTRATION_EMAIL_VERIFICATION: 'false' },
    platform: { queues: [] },
  });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cmp-faults-'));
  const env = {
    CMP_DATABASE_URL: rig.p.db.url,
    CMP_QUEUE_PREFIX: rig.p.temporal.prefix,
    CMP_SIM_URL: rig.sim.url,
    CMP_AUTH_SECRET: authSecret,
    CMP_DATA_DIR: dataDir,
    ...(opts.activityTimeoutSeconds ? { PROVISION_ACTIVITY_TIMEOUT_SECONDS: String(opts.activityTimeoutSeconds) } : {}),
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
    await rig.close();
    throw e;
  }

  return {
    rig,
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
      await rig.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
