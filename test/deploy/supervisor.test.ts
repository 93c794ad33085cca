import { spawn, type ChildProcess } from 'node:child_process';
import { restartDelay, Supervisor, type RestartPolicy } from '../../scripts/lib/supervisor';
import { workerPlan } from '../../scripts/lib/worker-plan';
import { waitFor } from '../support/launcher';
import { pidAlive } from '../support/processes';

/** A real node process running `code`, carrying the suite's process marker. */
function node(code: string): Promise<ChildProcess> {
  return Promise.resolve(spawn(process.execPath, ['-e', code], { env: { ...process.env }, stdio: 'ignore' }));
}

const fast: RestartPolicy = { initialDelayMs: 100, maxDelayMs: 400, quickCrashMs: 2000, maxQuickCrashes: 4 };

function recorder() {
  const lines: string[] = [];
  const started: Array<[string, number]> = [];
  const gaveUp: string[] = [];
  return {
    lines,
    started,
    gaveUp,
    events: {
      log: (l: string) => lines.push(l),
      started: (n: string, pid: number) => started.push([n, pid]),
      gaveUp: (_n: string, reason: string) => gaveUp.push(reason),
    },
  };
}

describe('Supervisor (scripts/lib/supervisor.ts)', () => {
  it('restarts a process that dies, with a new pid, logging its exit and the restart count', async () => {
    const r = recorder();
    const sup = new Supervisor(r.events, fast);
    await sup.add({ name: 'sleeper', start: () => node('setInterval(() => {}, 1000)') });
    const first = sup.pid('sleeper')!;
    process.kill(first, 'SIGKILL');
    const second = await waitFor(
      'a restart',
      () => (sup.pid('sleeper') !== undefined && sup.pid('sleeper') !== first ? sup.pid('sleeper') : undefined),
      10_000,
    );
    expect(r.lines).toEqual(['sleeper exited (signal SIGKILL, code 137); restart 1 in 0.1 s']);
    expect(r.started).toEqual([
      ['sleeper', first],
      ['sleeper', second],
    ]);
    await sup.stopAll();
    expect(pidAlive(second)).toBe(false);
    expect(r.gaveUp).toEqual([]);
  });

  it('doubles the delay on each quick crash up to the cap, then gives up with the reason', async () => {
    const r = recorder();
    const sup = new Supervisor(r.events, fast);
    await sup.add({ name: 'crasher', start: () => node('process.exit(3)') });
    await waitFor('giving up', () => r.gaveUp[0], 10_000);
    expect(r.lines).toEqual([
      'crasher exited (code 3); restart 1 in 0.1 s',
      'crasher exited (code 3); restart 2 in 0.2 s',
      'crasher exited (code 3); restart 3 in 0.4 s',
      'crasher exited (code 3): it crashed 4 times in a row, each within 2 s of starting; giving up on it',
    ]);
    expect(r.gaveUp).toEqual([r.lines[3]]);
    expect(r.started.map(([, pid]) => pid).filter(pidAlive)).toEqual([]);
    expect(
      [1, 2, 3, 4, 5, 9].map((n) => restartDelay({ ...fast, maxDelayMs: 30_000, initialDelayMs: 1000 }, n)),
    ).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000]);
  });

  it('counts a start that fails as a crash, and rejects the first add when it gives up before the service ever came up', async () => {
    const r = recorder();
    const sup = new Supervisor(r.events, { ...fast, maxQuickCrashes: 2 });
    await expect(
      sup.add({ name: 'broken', start: () => Promise.reject(new Error('port 1 is taken\nmore detail')) }),
    ).rejects.toThrow(/broken failed to start: port 1 is taken: it crashed 2 times/);
    expect(r.lines[0]).toBe('broken failed to start: port 1 is taken; restart 1 in 0.1 s');
  });

  it('resets the count after a run longer than the quick-crash window', async () => {
    const r = recorder();
    const sup = new Supervisor(r.events, { ...fast, quickCrashMs: 300 });
    await sup.add({ name: 'flaky', start: () => node('setTimeout(() => process.exit(1), 600)') });
    await waitFor('four restarts', () => (r.lines.length >= 4 ? true : undefined), 20_000);
    await sup.stopAll();
    expect(r.lines.slice(0, 4)).toEqual([1, 2, 3, 4].map((n) => `flaky exited (code 1); restart ${n} in 0.1 s`));
    expect(r.gaveUp).toEqual([]);
  });

  it('stops every service in reverse start order and restarts nothing after', async () => {
    const r = recorder();
    const sup = new Supervisor(r.events, fast);
    const order: string[] = [];
    for (const name of ['first', 'second']) {
      await sup.add({
        name,
        start: async () => {
          const p = await node("process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000)");
          p.once('exit', () => order.push(name));
          return p;
        },
      });
    }
    const pids = [sup.pid('first')!, sup.pid('second')!];
    await sup.stopAll();
    expect(order).toEqual(['second', 'first']);
    expect(pids.filter(pidAlive)).toEqual([]);
    // Past the restart delay, nothing came back.
    await new Promise((res) => setTimeout(res, 3 * fast.initialDelayMs));
    expect(r.lines).toEqual([]);
    await expect(sup.add({ name: 'late', start: () => node('') })).rejects.toThrow(/stopping/);
  });
});

describe('workerPlan (WORKERS)', () => {
  it('runs one process on every queue by default, N such processes for a count, and processes per queue for counts', () => {
    expect(workerPlan(undefined)).toEqual([{ name: 'worker', queues: [] }]);
    expect(workerPlan('1')).toEqual([{ name: 'worker', queues: [] }]);
    expect(workerPlan('3').map((w) => w.name)).toEqual(['worker-1', 'worker-2', 'worker-3']);
    expect(workerPlan('openstack:2,notify:1')).toEqual([
      { name: 'worker-orchestration', queues: ['orchestration'] },
      { name: 'worker-openstack-1', queues: ['openstack'] },
      { name: 'worker-openstack-2', queues: ['openstack'] },
      { name: 'worker-notify', queues: ['notify'] },
    ]);
  });

  it('refuses what it cannot run, naming the variable', () => {
    expect(() => workerPlan('0')).toThrow(/WORKERS must be at least 1/);
    expect(() => workerPlan('billing:2')).toThrow(/WORKERS: unknown task queue billing/);
    expect(() => workerPlan('openstack:0')).toThrow(/WORKERS: openstack needs a count of at least 1/);
  });
});
