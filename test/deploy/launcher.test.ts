import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { httpGet } from '../../activities/sites/health-check';
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
import { defaultWorkerNodeOptions } from '../../workers/node-flags';

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
    l = await launcherEnv({ REGISTRATION_REQUIRES_APPROVAL: 'false' });
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
  async function call(method: string, url: string, token: string, body?: unknown): Promise<any> {
    const r = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return r.json();
  }
  /** The command lines of every nginx and php-fpm process running (pgrep finds none: none). */
  const webStacks = () => spawnSync('pgrep', ['-af', 'nginx|php-fpm'], { encoding: 'utf8' }).stdout.split('\n');
  const sitePage = () => httpGet('127.0.0.1', l.ports.sitesHttp, 'hello.sites.localhost', '/');

  /** What a tenant does in the portal: order a site (the starter catalog's product, the launcher's host), upload, publish. */
  async function siteFromThePortal(adminToken: string): Promise<void> {
    const hosts = await call('GET', '/api/v1/site-hosts', adminToken);
    expect(hosts.items).toEqual([expect.objectContaining({ name: 'local', driver: 'local', status: 'active' })]);
    const email = `site-${Date.now()}@tenant.test`;
    const password = 'Launcher-site-pw-1';
    const reg = await post('/api/v1/auth/register', { email, password, displayName: 'Site', tenantName: 'site-t' });
    expect(reg.status).toBe(201);
    const user = ((await (await post('/api/v1/auth/login', { email, password })).json()) as { accessToken: string })
      .accessToken;
    const ordered = await call('POST', '/api/v1/sites', user, { name: 'hello', diskMb: 5 });
    expect(ordered).toMatchObject({ site: { status: 'ordered', hostId: hosts.items[0].id } });
    const pending = await waitFor(
      'the site order',
      async () => {
        const o = await call('GET', `/api/v1/orders/${ordered.orderId}`, adminToken);
        return ['pending_approval', 'provisioning', 'delivered'].includes(o.status) ? o : undefined;
      },
      30_000,
    );
    if (pending.status === 'pending_approval')
      await call('POST', `/api/v1/orders/${ordered.orderId}/approve`, adminToken, { reason: 'launcher test' });
    await waitFor(
      'the site set up',
      async () => ((await call('GET', `/api/v1/sites/${ordered.site.id}`, user)).status === 'ready' ? true : undefined),
      60_000,
    );
    const src = path.join(l.dataDir, 'hello-src');
    mkdirSync(src, { recursive: true });
    writeFileSync(path.join(src, 'index.php'), '<?php echo "hello from ", PHP_VERSION;');
    execFileSync('tar', ['-czf', path.join(l.dataDir, 'hello.tar.gz'), '-C', src, '.']);
    const up = await fetch(`${base}/api/v1/sites/${ordered.site.id}/releases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user}`, 'content-type': 'application/gzip' },
      body: readFileSync(path.join(l.dataDir, 'hello.tar.gz')),
    });
    expect(up.status).toBe(201);
    const live = await call('POST', `/api/v1/sites/${ordered.site.id}/releases/1/publish`, user);
    expect(live).toMatchObject({ status: 'live', url: `http://hello.sites.localhost:${l.ports.sitesHttp}/` });
    expect((await sitePage()).body).toMatch(/^hello from 8\.2\./);
    await dedicatedSite(adminToken, user);
  }

  /** A dedicated site from the starter catalog: two web servers behind the simulator's load balancer, its name at the front door. */
  async function dedicatedSite(adminToken: string, user: string): Promise<void> {
    const flavors = await call('GET', '/api/v1/catalog/products?kind=flavor&status=active', user);
    const images = await call('GET', '/api/v1/public-images?status=active', user);
    const ordered = await call('POST', '/api/v1/sites', user, {
      name: 'shop',
      diskMb: 5,
      tier: 'dedicated',
      dedicated: { servers: 2, flavorId: flavors.items[0].id, imageId: images.items[0].id, volumeGb: 1 },
    });
    expect(ordered).toMatchObject({ site: { tier: 'dedicated', status: 'ordered' } });
    await waitFor(
      'the dedicated order',
      async () =>
        (await call('GET', `/api/v1/orders/${ordered.orderId}`, adminToken)).status === 'pending_approval'
          ? true
          : undefined,
      30_000,
    );
    await call('POST', `/api/v1/orders/${ordered.orderId}/approve`, adminToken, { reason: 'launcher test' });
    await waitFor(
      'the dedicated site built',
      async () => ((await call('GET', `/api/v1/sites/${ordered.site.id}`, user)).status === 'ready' ? true : undefined),
      120_000,
    );
    const up = await fetch(`${base}/api/v1/sites/${ordered.site.id}/releases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user}`, 'content-type': 'application/gzip' },
      body: readFileSync(path.join(l.dataDir, 'hello.tar.gz')),
    });
    expect(up.status).toBe(201);
    const live = await call('POST', `/api/v1/sites/${ordered.site.id}/releases/1/publish`, user);
    expect(live).toMatchObject({ status: 'live', url: `http://shop.sites.localhost:${l.ports.frontDoor}/` });
    expect(live.dedicated.deployment.servers).toHaveLength(2);
    const page = await httpGet('127.0.0.1', l.ports.frontDoor, 'shop.sites.localhost', '/');
    expect(page.body).toMatch(/^hello from 8\.2\./);
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
      // The worker runs with the memory flags of workers/node-flags.ts: node's own flags and two malloc arenas.
      const workerPid = reportedPids(output(), 'worker').at(-1);
      expect(readFileSync(`/proc/${workerPid}/cmdline`, 'utf8').split('\0')).toEqual(
        expect.arrayContaining(defaultWorkerNodeOptions.split(' ')),
      );
      expect(readFileSync(`/proc/${workerPid}/environ`, 'utf8').split('\0')).toContain('MALLOC_ARENA_MAX=2');
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
      // The launcher registered this machine as the shared host `local`: a site ordered, uploaded and published answers.
      expect(output()).toContain(`Shared sites   http://<site>.sites.localhost:${l.ports.sitesHttp}/`);
      await siteFromThePortal(token);
    } finally {
      expect(await stop(proc)).toBe(0);
    }
    // Every child it reported is gone, and nothing keeps listening.
    const pids = [
      'temporal',
      'simulator',
      'prometheus',
      'dbservice',
      'sites-nginx',
      'sites-fpm',
      'worker',
      'api',
    ].flatMap((n) => reportedPids(output(), n));
    expect(pids.length).toBeGreaterThanOrEqual(6);
    expect(pids.filter(pidAlive)).toEqual([]);
    const stacks = webStacks();
    expect(stacks.filter((line) => line.includes(path.join(dataDir, 'sites')))).toEqual([]);
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
      const login = await post('/api/v1/auth/login', { email, password });
      expect(login.status).toBe(200);
      // The same one shared host, and the site published before the restart answers again.
      const { accessToken } = (await login.json()) as { accessToken: string };
      expect((await call('GET', '/api/v1/site-hosts', accessToken)).total).toBe(1);
      expect((await sitePage()).body).toMatch(/^hello from 8\.2\./);
      // The dedicated site too: its web servers run again and its name answers at the front door.
      const dedicated = await waitFor(
        'the dedicated site again',
        async () => {
          const r = await httpGet('127.0.0.1', l.ports.frontDoor, 'shop.sites.localhost', '/').catch(() => null);
          return r?.status === 200 ? r : undefined;
        },
        60_000,
      );
      expect(dedicated.body).toMatch(/^hello from 8\.2\./);
    } finally {
      expect(await stop(proc)).toBe(0);
    }
    // No web server of the dedicated site outlives the platform.
    const members = webStacks();
    expect(members.filter((line) => line.includes(path.join(dataDir, 'sites', 'members')))).toEqual([]);
  }, 240_000);
});
