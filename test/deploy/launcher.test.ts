import { existsSync } from 'node:fs';
import {
  bootstrapAdmin,
  launch,
  launcherEnv,
  reportedPids,
  stop,
  waitFor,
  waitReady,
  type LauncherEnv,
} from '../support/launcher';
import { pidAlive } from '../support/processes';

/**
 * The README's first command, minus the install step: the launcher starts Temporal, the simulator, the
 * sinks, migrates, starts the worker and the API, answers ready, and stops every child on SIGINT. A
 * second start on the same data directory keeps the data.
 */
describe('the platform launcher (scripts/start.ts)', () => {
  let l: LauncherEnv;
  let base: string;
  let dataDir: string;

  beforeAll(async () => {
    l = await launcherEnv();
    ({ base, dataDir } = l);
  });
  afterAll(() => l?.cleanup());

  function post(url: string, body: unknown, token?: string) {
    return fetch(`${base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  }

  it('comes up ready, prints the URLs, and stops every child on Ctrl-C', async () => {
    const { proc, output } = launch(l.env);
    try {
      // Ready once the database and Temporal answer and the worker polls every queue.
      const ready = await waitReady(base, 150_000);
      expect(ready).toEqual({
        status: 'ready',
        checks: { database: { ok: true }, temporal: { ok: true }, workers: { ok: true } },
      });
      await waitFor('banner', async () => (output().includes('CMP is running') ? true : undefined), 10_000);
      expect(output()).toContain(`${base}/docs`);
      expect(output()).toContain('Temporal UI');
      expect(existsSync(`${dataDir}/temporal.sqlite`)).toBe(true);
      expect(existsSync(`${dataDir}/bootstrap-admin.txt`)).toBe(true);
      // The simulator is the default cloud: its Keystone answers.
      const sim = await fetch(`http://127.0.0.1:${l.ports.simulator}/identity/v3`);
      expect(sim.status).toBe(200);
      // The worker is wired to the embedded sinks: a test page is delivered through the notify queue.
      const { email, password } = bootstrapAdmin(dataDir);
      const token = ((await (await post('/api/v1/auth/login', { email, password })).json()) as { accessToken: string })
        .accessToken;
      expect(
        (
          await post(
            '/api/v1/oncall/contacts',
            { name: 'On call', email: 'oncall@cmp.test', channels: ['email'] },
            token,
          )
        ).status,
      ).toBe(201);
      expect((await post('/api/v1/oncall/test', { subject: 'launcher test', body: 'hello' }, token)).status).toBe(202);
      const sent = await waitFor(
        'a sent notification',
        async () => {
          const r = (await (
            await fetch(`${base}/api/v1/notifications?status=sent`, { headers: { authorization: `Bearer ${token}` } })
          ).json()) as { items: Array<{ recipient: string }> };
          return r.items.length ? r.items : undefined;
        },
        60_000,
      );
      expect(sent[0].recipient).toBe('oncall@cmp.test');
      // The database service's own MariaDB is up and the API finds its administrator (503 otherwise).
      expect(output()).toContain(`Database svc   127.0.0.1:${l.ports.dbservice}`);
      const dbs = await fetch(`${base}/api/v1/databases`, { headers: { authorization: `Bearer ${token}` } });
      expect(dbs.status).toBe(200);
    } finally {
      expect(await stop(proc)).toBe(0);
    }
    // Every child it reported is gone, and nothing keeps listening.
    const pids = ['temporal', 'simulator', 'prometheus', 'dbservice', 'worker', 'api'].flatMap((n) =>
      reportedPids(output(), n),
    );
    expect(pids.length).toBeGreaterThanOrEqual(4);
    expect(pids.filter(pidAlive)).toEqual([]);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${l.ports.simulator}/identity/v3`)).rejects.toThrow();
  }, 240_000);

  it('keeps the data on a second run', async () => {
    const { proc, output } = launch(l.env);
    try {
      await waitFor('readyz', async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined), 150_000);
      await waitFor('banner', async () => (output().includes('CMP is running') ? true : undefined), 10_000);
      expect(output()).toContain('up to date');
      const { email, password } = bootstrapAdmin(dataDir);
      expect((await post('/api/v1/auth/login', { email, password })).status).toBe(200);
    } finally {
      expect(await stop(proc)).toBe(0);
    }
  }, 240_000);
});
