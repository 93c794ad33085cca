import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../support/free-port';

const root = path.resolve(__dirname, '..', '..');

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The README's first command, minus the install step: the launcher starts Temporal, the simulator, the
 * sinks, migrates, starts the worker and the API, answers ready, and stops every child on SIGINT. A
 * second start on the same data directory keeps the data.
 */
describe('the platform launcher (scripts/start.ts)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cmp-launch-'));
  let env: NodeJS.ProcessEnv;
  let base: string;

  beforeAll(async () => {
    const [api, temporal, ui, sim] = [await freePort(), await freePort(), await freePort(), await freePort()];
    base = `http://127.0.0.1:${api}`;
    env = {
      ...process.env,
      DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:${path.join(dataDir, 'cmp.sqlite')}`,
      PORT: String(api),
      TEMPORAL_ADDRESS: `127.0.0.1:${temporal}`,
      TEMPORAL_UI_PORT: String(ui),
      SIMULATOR_PORT: String(sim),
      LOG_LEVEL: 'warn',
      CMP_WORKFLOW_BUNDLE: process.env.CMP_WORKFLOW_BUNDLE ?? '',
    };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  function post(url: string, body: unknown, token?: string) {
    return fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  }

  function launch(): { proc: ChildProcess; output: () => string } {
    const proc = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'scripts', 'start.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout?.on('data', (d) => (out += d));
    proc.stderr?.on('data', (d) => (out += d));
    return { proc, output: () => out };
  }

  async function stop(proc: ChildProcess): Promise<number | null> {
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    // tsx forwards the signal to the launcher, which stops its children in reverse order.
    proc.kill('SIGINT');
    return Promise.race([exited, new Promise<null>((_, reject) => setTimeout(() => reject(new Error('launcher did not stop within 30 s')), 30_000))]);
  }

  it('comes up ready, prints the URLs, and stops every child on Ctrl-C', async () => {
    const { proc, output } = launch();
    try {
      const ready = await waitFor('readyz', async () => {
        const r = await fetch(`${base}/readyz`);
        return r.status === 200 ? ((await r.json()) as { status: string }) : undefined;
      }, 150_000);
      expect(ready.status).toBe('ready');
      await waitFor('banner', async () => (output().includes('CMP is running') ? true : undefined), 10_000);
      expect(output()).toContain(`${base}/docs`);
      expect(output()).toContain('Temporal UI');
      expect(existsSync(path.join(dataDir, 'temporal.sqlite'))).toBe(true);
      expect(existsSync(path.join(dataDir, 'bootstrap-admin.txt'))).toBe(true);
      // The simulator is the default cloud: its Keystone answers.
      const sim = await fetch(`http://127.0.0.1:${env.SIMULATOR_PORT}/identity/v3`);
      expect(sim.status).toBe(200);
      // The worker is wired to the embedded sinks: a test page is delivered through the notify queue.
      const [email, password] = readFileSync(path.join(dataDir, 'bootstrap-admin.txt'), 'utf8').trim().split('\n');
      const token = ((await (await post('/api/v1/auth/login', { email, password })).json()) as { accessToken: string }).accessToken;
      expect((await post('/api/v1/oncall/contacts', { name: 'On call', email: 'oncall@cmp.test', channels: ['email'] }, token)).status).toBe(201);
      expect((await post('/api/v1/oncall/test', { subject: 'launcher test', body: 'hello' }, token)).status).toBe(202);
      const sent = await waitFor('a sent notification', async () => {
        const r = (await (await fetch(`${base}/api/v1/notifications?status=sent`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: Array<{ recipient: string }> };
        return r.items.length ? r.items : undefined;
      }, 60_000);
      expect(sent[0].recipient).toBe('oncall@cmp.test');
    } finally {
      expect(await stop(proc)).toBe(0);
    }
    // Nothing keeps listening once it has stopped.
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${env.SIMULATOR_PORT}/identity/v3`)).rejects.toThrow();
  }, 240_000);

  it('keeps the data on a second run', async () => {
    const { proc, output } = launch();
    try {
      await waitFor('readyz', async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined), 150_000);
      await waitFor('banner', async () => (output().includes('CMP is running') ? true : undefined), 10_000);
      expect(output()).toContain('up to date');
      const [email, password] = readFileSync(path.join(dataDir, 'bootstrap-admin.txt'), 'utf8').trim().split('\n');
      expect((await post('/api/v1/auth/login', { email, password })).status).toBe(200);
    } finally {
      expect(await stop(proc)).toBe(0);
    }
  }, 240_000);
});
