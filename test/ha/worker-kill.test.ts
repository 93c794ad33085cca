import type { EvacuationProgress } from '../../workflows/evacuate';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import {
  killAll,
  killWorkerAndProve,
  pidAlive,
  pollerIdentities,
  startWorkerChild,
  workerProcessFile,
  waitPolling,
  type WorkerChild,
} from '../support/processes';
import { eventually, startHaSim, type HaSim } from './support';

describe('evacuation survives a killed worker (real Temporal, simulator, worker in a child process)', () => {
  let h: HaSim;
  let p: TestPlatform;
  const children: WorkerChild[] = [];
  const queues = () => Object.values(p.deps.queues) as string[];
  const startWorker = async () => {
    const w = await startWorkerChild(workerProcessFile, {
      CMP_DATABASE_URL: p.db.url,
      CMP_QUEUE_PREFIX: p.temporal.prefix,
      CMP_SIM_URL: h.sim.url,
    });
    children.push(w);
    await waitPolling(p.temporal.client, queues(), w.identity);
    return w;
  };
  beforeAll(async () => {
    h = await startHaSim({ evacuateMs: 700 });
    p = await startTestPlatform({ queues: [] });
  }, 60_000);
  afterAll(async () => {
    await killAll(children);
    await p?.close();
    await h?.close();
  });

  it('finishes after SIGKILL mid-evacuation with no server evacuated twice', async () => {
    const ids = await h.seed('compute-02', 30, { prefix: 'kill' });
    const first = await startWorker();
    await h.admin('POST', '/hosts/compute-02/down');
    const handle = await p.temporal.client.workflow.start('evacuateWorkflow', {
      taskQueue: p.deps.queues.orchestration,
      workflowId: 'evacuate-compute-02',
      args: [
        {
          hostname: 'compute-02',
          failedAt: new Date().toISOString(),
          trigger: 'operator',
          concurrency: 4,
          maxAttempts: 3,
          serverTimeoutMs: 20_000,
          heartbeatTimeoutMs: 2000,
        },
      ],
    });
    const mid = await eventually(
      () => handle.query<EvacuationProgress>('progress'),
      (q) => q.recovered >= 6,
      60_000,
      50,
    );
    expect(mid.recovered).toBeLessThan(30);

    // The kill is real: the worker's pid is gone and it no longer polls any queue of the suite.
    await killWorkerAndProve(p.temporal.client, first, queues());
    expect(pidAlive(first.pid)).toBe(false);
    for (const q of queues()) expect(await pollerIdentities(p.temporal.client, q)).not.toContain(first.identity);
    // With no worker left nothing moves on: the evacuation is really interrupted.
    const atKill = await Promise.all(ids.map((id) => h.server(id)));
    expect(atKill.filter((s) => s.host === 'compute-02').length).toBeGreaterThan(0);

    await startWorker();
    const done = await eventually(
      () => handle.query<EvacuationProgress>('progress'),
      (q) => q.phase === 'awaiting_release',
      90_000,
      250,
    );
    expect(done).toMatchObject({ status: 'completed', total: 30, recovered: 30, unrecovered: [] });
    const after = await Promise.all(ids.map((id) => h.server(id)));
    expect(after.filter((s) => s.status === 'ACTIVE' && s.host && s.host !== 'compute-02')).toHaveLength(30);
    expect(await Promise.all(ids.map((id) => h.evacuateActions(id)))).toEqual(ids.map(() => 1));
    await handle.terminate('test over');
  }, 180_000);
});
