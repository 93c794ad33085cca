import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnWorker } from '../../scripts/lib/children';
import { defaultWorkerNodeOptions } from '../../workers/node-flags';

/**
 * The launcher starts each worker process (scripts/start.ts, through spawnWorker) with the memory flags of
 * workers/node-flags.ts: they reach the child's node (its execArgv and V8 heap limit) and its environment
 * (MALLOC_ARENA_MAX), and the environment overrides them.
 */
describe('worker memory flags (workers/node-flags.ts)', () => {
  let dir: string;
  let entry: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cmp-worker-flags-'));
    entry = path.join(dir, 'probe.ts');
    writeFileSync(
      entry,
      "import v8 from 'node:v8';\n" +
        'const heapMb: number = Math.round(v8.getHeapStatistics().heap_size_limit / 1048576);\n' +
        'console.log("probe " + JSON.stringify({ execArgv: process.execArgv, argv: process.argv.slice(2), ' +
        'heapMb, arenas: process.env.MALLOC_ARENA_MAX ?? null }));\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function probe(env: NodeJS.ProcessEnv): Promise<{
    execArgv: string[];
    argv: string[];
    heapMb: number;
    arenas: string | null;
  }> {
    const proc = spawnWorker('probe', entry, { PATH: process.env.PATH, ...env }, ['orchestration']);
    let out = '';
    proc.stdout!.on('data', (d) => (out += String(d)));
    const code = await new Promise((r) => proc.once('close', r));
    expect(code).toBe(0);
    return JSON.parse(/probe (.*)/.exec(out)![1]);
  }

  it('starts the worker with the small heap and two malloc arenas by default, its queues as arguments', async () => {
    const p = await probe({});
    expect(p.execArgv).toEqual(expect.arrayContaining(defaultWorkerNodeOptions.split(' ')));
    expect(p.heapMb).toBeLessThan(200);
    expect(p.arenas).toBe('2');
    expect(p.argv).toEqual(['orchestration']);
  }, 30_000);

  it('takes WORKER_NODE_OPTIONS and WORKER_MALLOC_ARENA_MAX from the environment; empty ones add nothing', async () => {
    const set = await probe({ WORKER_NODE_OPTIONS: '--max-old-space-size=300', WORKER_MALLOC_ARENA_MAX: '4' });
    expect(set.execArgv).toContain('--max-old-space-size=300');
    expect(set.execArgv).not.toContain('--max-semi-space-size=2');
    expect(set.heapMb).toBeGreaterThanOrEqual(300);
    expect(set.arenas).toBe('4');
    const none = await probe({ WORKER_NODE_OPTIONS: '', WORKER_MALLOC_ARENA_MAX: '' });
    expect(none.execArgv.filter((a) => a.startsWith('--max-'))).toEqual([]);
    expect(none.heapMb).toBeGreaterThan(300);
    expect(none.arenas).toBeNull();
  }, 30_000);
});
