import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { EvacuationProgress } from '../../workflows/evacuate';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { eventually, startHaSim, type HaSim } from './support';

/** Starts a worker in a child process and resolves once it polls. */
function startWorkerProcess(p: TestPlatform, h: HaSim): Promise<ChildProcess> {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), path.join(__dirname, 'worker-process.ts')], {
    env: {
      ...process.env,
      CMP_PREFIX: p.temporal.prefix,
      CMP_DB: JSON.stringify(p.db.config),
      SIM_URL: h.sim.url,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${err}`)), 60_000);
    child.stdout!.on('data', (d) => {
      if (String(d).includes('worker-ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${err}`)));
  });
}

describe('evacuation survives a killed worker (real Temporal, simulator, worker in a child process)', () => {
  let h: HaSim;
  let p: TestPlatform;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    h = await startHaSim({ evacuateMs: 700 });
    p = await startTestPlatform({ queues: [] });
  }, 60_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await p?.close();
    await h?.close();
  });

  it('finishes after SIGKILL mid-evacuation with no server evacuated twice', async () => {
    const ids = await h.seed('compute-02', 30, { prefix: 'kill' });
    children.push(await startWorkerProcess(p, h));
    await h.admin('POST', '/hosts/compute-02/down');
    const handle = await p.temporal.client.workflow.start('evacuateWorkflow', {
      taskQueue: p.deps.queues.orchestration,
      workflowId: 'evacuate-compute-02',
      args: [{ hostname: 'compute-02', failedAt: new Date().toISOString(), trigger: 'operator', concurrency: 4, maxAttempts: 3, serverTimeoutMs: 20_000, heartbeatTimeoutMs: 2000 }],
    });
    const mid = await eventually(() => handle.query<EvacuationProgress>('progress'), (q) => q.recovered >= 6, 60_000, 50);
    expect(mid.recovered).toBeLessThan(30);
    children[0].kill('SIGKILL');
    await new Promise((r) => children[0].once('exit', r));

    children.push(await startWorkerProcess(p, h));
    const done = await eventually(() => handle.query<EvacuationProgress>('progress'), (q) => q.phase === 'awaiting_release', 90_000, 250);
    expect(done).toMatchObject({ status: 'completed', total: 30, recovered: 30, unrecovered: [] });
    const after = await Promise.all(ids.map((id) => h.server(id)));
    expect(after.filter((s) => s.status === 'ACTIVE' && s.host && s.host !== 'compute-02')).toHaveLength(30);
    expect(await Promise.all(ids.map((id) => h.evacuateActions(id)))).toEqual(ids.map(() => 1));
    await handle.terminate('test over');
  }, 180_000);
});
