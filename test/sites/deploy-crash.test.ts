import { chmodSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalHostAgent } from '../../activities/sites/local-agent';
import { httpGet } from '../../activities/sites/health-check';
import { siteKey, type SitesSettings } from '../../activities/sites/settings';
import { Site } from '../../domain/entities';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { orderSiteApproved, tarGz } from './support';
import {
  killAll,
  killWorkerAndProve,
  pidAlive,
  startWorkerChild,
  waitPolling,
  type WorkerChild,
} from '../support/processes';

/**
 * A worker killed in the middle of a deploy (release 2 switched in, its health check under way) and another one
 * started: the publish finishes on the second, and exactly one release is live, on the host and in the record.
 */
describe('a site deploy survives its worker killed mid-way', () => {
  let platform: TestPlatform;
  let agent: LocalHostAgent;
  let work: string;
  let httpPort: number;
  let fpmBase: number;
  const children: WorkerChild[] = [];
  const queues = () => Object.values(platform.deps.queues) as string[];

  const startWorker = async () => {
    const w = await startWorkerChild(path.join(__dirname, 'worker-process.ts'), {
      CMP_DATABASE_URL: platform.db.url,
      CMP_QUEUE_PREFIX: platform.temporal.prefix,
      CMP_SITES_ROOT: path.join(work, 'host'),
      CMP_SITES_HTTP_PORT: String(httpPort),
      CMP_SITES_FPM_BASE_PORT: String(fpmBase),
    });
    children.push(w);
    await waitPolling(platform.temporal.client, queues(), w.identity);
    return w;
  };
  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'cmp-site-crash-'));
    chmodSync(work, 0o755);
    httpPort = await freePort();
    fpmBase = 22_000 + (process.pid % 1000) * 10;
    // The web stack is the test's (it outlives the killed worker); the workers' agents find it by its pid files.
    agent = new LocalHostAgent({ root: path.join(work, 'host'), httpPort, fpmBasePort: fpmBase });
    await agent.ensureStack();
    const sites: SitesSettings = {
      agents: { forHost: () => agent },
      domain: 'sites.localhost',
      packageLimitBytes: 1 << 22,
      keepReleases: 3,
    };
    // No workers in the test process: they run in child processes.
    platform = await startTestPlatform({ queues: [] });
    platform.deps.sites = sites;
  });
  afterAll(async () => {
    await killAll(children);
    await platform?.close();
    await agent?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('leaves exactly one release live after the kill and a restart', async () => {
    const first = await startWorker();
    const admin = await platform.adminToken();
    const tenant = await platform.tenantUser('site-crash');
    expect(
      (
        await platform.call('POST', '/api/v1/catalog/products', {
          token: admin,
          body: { kind: 'site', name: 'crash-site', hourlyPrice: 0.01, monthlyPrice: 5 },
        })
      ).status,
    ).toBe(201);
    const host = await platform.call('POST', '/api/v1/site-hosts', {
      token: admin,
      body: { name: 'crash-1', address: '127.0.0.1', capacitySites: 2, capacityDiskMb: 20 },
    });
    expect(host.status).toBe(201);
    const made = await orderSiteApproved(platform, admin, tenant.token, { name: 'crashy', diskMb: 5 });
    expect(made.site.status).toBe('ready');
    const id = made.id;
    const upload = async (name: string, files: Record<string, string>) => {
      const res = await platform.app.request(`/api/v1/sites/${id}/releases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/gzip' },
        body: tarGz(work, name, files),
      });
      expect(res.status).toBe(201);
    };
    await upload('one', { 'index.php': '<?php echo "release one";' });
    const one = await platform.call('POST', `/api/v1/sites/${id}/releases/1/publish`, { token: tenant.token });
    expect(one.body).toMatchObject({ status: 'live', liveRelease: 1 });

    // Release 2 answers slowly: its health check is still running when the worker is killed.
    await upload('two', { 'index.php': '<?php sleep(3); echo "release two";' });
    const root = path.join(work, 'host', 'sites', siteKey(id));
    const publishing = platform.call('POST', `/api/v1/sites/${id}/releases/2/publish`, {
      token: tenant.token,
      body: { health: { path: '/', status: 200, text: 'release two' } },
    });
    await eventually(
      () => readlinkSync(path.join(root, 'current')),
      (t) => t === path.join('releases', '000002'),
      30_000,
    );
    await killWorkerAndProve(platform.temporal.client, first, queues());
    expect(pidAlive(first.pid)).toBe(false);
    // Mid-deploy: release 2 is switched in, but nothing recorded it live.
    expect((await platform.db.orm.em.fork().findOneOrFail(Site, { id })).liveRelease).toBe(1);

    await startWorker();
    const done = await publishing;
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'live', liveRelease: 2 });
    // Exactly one release live: the one `current` points at (no stray switch link left), the one recorded.
    expect(readlinkSync(path.join(root, 'current'))).toBe(path.join('releases', '000002'));
    expect(readdirSync(root).filter((n) => n.startsWith('.current') || n === 'current')).toEqual(['current']);
    const site = await platform.db.orm.em.fork().findOneOrFail(Site, { id });
    expect(site.liveRelease).toBe(2);
    expect(site.releases.filter((r) => r.publishedAt).map((r) => r.number)).toEqual([1, 2]);
    expect((await httpGet('127.0.0.1', httpPort, 'crashy.sites.localhost', '/')).body).toBe('release two');
    await agent.removeSite({
      siteId: id,
      key: siteKey(id),
      hostname: 'crashy.sites.localhost',
      diskMb: 5,
      phpVersion: '8.2',
      slot: 1,
    });
  }, 150_000);
});
