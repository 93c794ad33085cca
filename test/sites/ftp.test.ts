import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SiteHostUnreachableError } from '../../activities/sites/agent';
import { LocalHostAgent } from '../../activities/sites/local-agent';
import { httpGet } from '../../activities/sites/health-check';
import { siteKey, type SitesSettings } from '../../activities/sites/settings';
import { eventually } from '../support/eventually';
import { FtpClient, FtpError } from '../support/ftp-client';
import { freePort } from '../support/free-port';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { Site, SiteFtpAccount } from '../../domain/entities';

jest.setTimeout(60_000);

const isRoot = process.getuid?.() === 0;
// pure-ftpd's virtual users map to the sites' system users, which only a root agent creates.
const describeRoot = isRoot ? describe : describe.skip;

let platform: TestPlatform;
let agent: LocalHostAgent;
let work: string;
let httpPort: number;
let ftpPort: number;
let admin: string;
const sites: Array<{ id: string; hostname: string; token: string }> = [];
/** While set, the host agent cannot make FTP accounts (the sites' setup goes on without one). */
let ftpBroken = false;
/** The next this many FTP account calls find the host not answering (as the SSH driver reports it). */
let ftpUnreachable = 0;
/** FTP account calls the host agent was asked for. */
let ftpAccountCalls = 0;

async function orderSite(
  token: string,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; hostname: string; token: string }> {
  const ordered = await platform.call('POST', '/api/v1/sites', { token, body: { name, diskMb: 5, ...extra } });
  expect(ordered.status).toBe(201);
  await eventually(
    () => platform.call('GET', `/api/v1/orders/${ordered.body.orderId}`, { token: admin }),
    (r) => r.body.status === 'pending_approval',
  );
  const approved = await platform.call('POST', `/api/v1/orders/${ordered.body.orderId}/approve`, {
    token: admin,
    body: { reason: 'ftp test' },
  });
  expect(approved.status).toBe(200);
  const ready = await eventually(
    () => platform.call('GET', `/api/v1/sites/${ordered.body.site.id}`, { token }),
    (r) => r.body.status === 'ready' || r.body.status === 'failed',
  );
  expect(ready.body).toMatchObject({ status: 'ready', failure: null });
  const site = { id: ordered.body.site.id, hostname: ready.body.hostname, token };
  sites.push(site);
  return site;
}

async function ftpLogin(username: string, password: string): Promise<FtpClient> {
  const ftp = await FtpClient.connect('127.0.0.1', ftpPort);
  try {
    await ftp.login(username, password);
  } catch (e) {
    await ftp.close();
    throw e;
  }
  return ftp;
}

const codeSpace = (siteId: string) => path.join(work, 'host', 'sites', siteKey(siteId));

beforeAll(async () => {
  if (!isRoot) return;
  work = mkdtempSync(path.join(tmpdir(), 'cmp-site-ftp-'));
  chmodSync(work, 0o755);
  httpPort = await freePort();
  ftpPort = await freePort();
  const passiveFirst = 40_000 + (process.pid % 1000) * 10;
  agent = new LocalHostAgent({
    root: path.join(work, 'host'),
    httpPort,
    fpmBasePort: 20_000 + (process.pid % 2000) * 10,
    ftpPort,
    ftpPassivePorts: { first: passiveFirst, last: passiveFirst + 9 },
  });
  // nginx, php-fpm and pure-ftpd, once for the suite.
  await agent.ensureStack();
  const settings: SitesSettings = {
    agents: {
      forHost: () =>
        new Proxy(agent, {
          get(target, prop) {
            if (prop === 'ensureFtpAccount') ftpAccountCalls++;
            if (prop === 'ensureFtpAccount' && ftpUnreachable > 0)
              return () => {
                ftpUnreachable--;
                return Promise.reject(
                  new SiteHostUnreachableError('the host agent on test did not answer ensureFtpAccount; retried'),
                );
              };
            if (prop === 'ensureFtpAccount' && ftpBroken)
              return () => Promise.reject(new Error('pure-pw mkdb failed (test)'));
            const v = Reflect.get(target, prop, target);
            return typeof v === 'function' ? v.bind(target) : v;
          },
        }),
    },
    domain: 'ftp.localhost',
    packageLimitBytes: 4 * 1024 * 1024,
    keepReleases: 2,
  };
  platform = await startTestPlatform({ activityDeps: { sites: settings } });
  platform.deps.sites = settings;
  admin = await platform.adminToken();
  expect(
    (
      await platform.call('POST', '/api/v1/catalog/products', {
        token: admin,
        body: { kind: 'site', name: 'ftp-site', hourlyPrice: 0.01, monthlyPrice: 5 },
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await platform.call('POST', '/api/v1/site-hosts', {
        token: admin,
        body: { name: 'ftp-web-1', address: '127.0.0.1', capacitySites: 6, capacityDiskMb: 40 },
      })
    ).status,
  ).toBe(201);
});

afterAll(async () => {
  if (!isRoot) return;
  for (const s of sites)
    await agent.removeSite({
      siteId: s.id,
      key: siteKey(s.id),
      hostname: s.hostname,
      diskMb: 5,
      phpVersion: '8.2',
      slot: 1,
    });
  await platform?.close();
  await agent?.stop();
  rmSync(work, { recursive: true, force: true });
});

describeRoot('FTP access to a site', () => {
  let a: { id: string; hostname: string; token: string };
  let b: { id: string; hostname: string; token: string };
  let passwordA: string;
  let passwordB: string;
  let userA: string;
  let userB: string;

  it('each ordered site gets an FTP account whose password is answered only by a reset', async () => {
    const tenantA = await platform.tenantUser('ftp-tenant-a');
    const tenantB = await platform.tenantUser('ftp-tenant-b');
    a = await orderSite(tenantA.token, 'ftp-a');
    b = await orderSite(tenantB.token, 'ftp-b');
    const shown = await platform.call('GET', `/api/v1/sites/${a.id}/ftp`, { token: a.token });
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({
      siteId: a.id,
      host: '127.0.0.1',
      port: ftpPort,
      username: siteKey(a.id),
      createdAt: expect.any(String),
      passwordChangedAt: expect.any(String),
    });
    expect((await platform.call('GET', `/api/v1/sites/${a.id}/ftp`, { token: b.token })).status).toBe(404);
    expect((await platform.call('POST', `/api/v1/sites/${a.id}/ftp/password`, { token: b.token })).status).toBe(404);

    const drawn = await platform.call('POST', `/api/v1/sites/${a.id}/ftp/password`, { token: a.token });
    expect(drawn.status).toBe(200);
    expect(drawn.body.password).toMatch(/^[A-Za-z0-9]{24}$/);
    passwordA = drawn.body.password;
    userA = drawn.body.username;
    const chosen = await platform.call('POST', `/api/v1/sites/${b.id}/ftp/password`, {
      token: b.token,
      body: { password: 'Chosen-ftp-Pass-9' },
    });
    expect(chosen.status).toBe(200);
    passwordB = chosen.body.password;
    userB = chosen.body.username;
    expect(passwordB).toBe('Chosen-ftp-Pass-9');
    const weak = await platform.call('POST', `/api/v1/sites/${b.id}/ftp/password`, {
      token: b.token,
      body: { password: 'short' },
    });
    expect(weak.status).toBe(422);

    // Sealed at rest, never in a later answer.
    const rows = JSON.stringify(await platform.db.orm.em.getConnection().execute('SELECT * FROM site_ftp_accounts'));
    expect(rows).toContain('sealed:v1:');
    expect(rows).not.toContain(passwordA);
    expect(rows).not.toContain(passwordB);
    const later = JSON.stringify([
      (await platform.call('GET', `/api/v1/sites/${a.id}/ftp`, { token: a.token })).body,
      (await platform.call('GET', `/api/v1/sites/${a.id}`, { token: a.token })).body,
      (await platform.call('GET', '/api/v1/sites', { token: admin })).body,
    ]);
    expect(later).not.toContain(passwordA);
    expect(later).not.toContain(passwordB);
  });

  it('an FTP upload lands in the code space, owned by the site, and is served once in the live release', async () => {
    const ftp = await ftpLogin(userA, passwordA);
    try {
      expect(await ftp.pwd()).toBe('/');
      await ftp.put('notes.txt', 'uploaded over ftp');
      const onDisk = path.join(codeSpace(a.id), 'notes.txt');
      expect(readFileSync(onDisk, 'utf8')).toBe('uploaded over ftp');
      const st = statSync(onDisk);
      expect(
        Number(
          execFileSync('id', ['-u', `cmp-${siteKey(a.id)}`])
            .toString()
            .trim(),
        ),
      ).toBe(st.uid);
      expect(st.mode & 0o007).toBe(0);
      expect((await ftp.list()).sort()).toEqual(expect.arrayContaining(['notes.txt', 'releases']));

      // A release through the API, published; then a page added to it over FTP is served.
      const src = path.join(work, 'a-src');
      mkdirSync(src, { recursive: true });
      writeFileSync(path.join(src, 'index.html'), 'site a');
      execFileSync('tar', ['-czf', path.join(work, 'a.tar.gz'), '-C', src, '.']);
      const up = await platform.app.request(`/api/v1/sites/${a.id}/releases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/gzip' },
        body: readFileSync(path.join(work, 'a.tar.gz')),
      });
      expect(up.status).toBe(201);
      const live = await platform.call('POST', `/api/v1/sites/${a.id}/releases/1/publish`, { token: a.token });
      expect(live.body).toMatchObject({ status: 'live', liveRelease: 1 });
      await ftp.cwd('current');
      await ftp.put('from-ftp.html', 'edited over ftp');
      const got = await httpGet('127.0.0.1', httpPort, a.hostname, '/from-ftp.html');
      expect(got).toMatchObject({ status: 200, body: 'edited over ftp' });

      // The code space's quota is the site's disk size.
      const over = await ftp.put('blob.bin', Buffer.alloc(6 * 1024 * 1024)).catch((e: unknown) => e);
      expect(over).toBeInstanceOf(FtpError);
      expect((over as FtpError).reply.code).toBe(552);
    } finally {
      await ftp.close();
    }
  });

  it("a second tenant's FTP account sees only its own code space", async () => {
    // pure-ftpd answers a refused login after a pause: both at once.
    await Promise.all([
      expect(ftpLogin(userB, passwordA)).rejects.toThrow(/530/),
      expect(ftpLogin(userA, passwordB)).rejects.toThrow(/530/),
    ]);
    const ftp = await ftpLogin(userB, passwordB);
    try {
      await ftp.put('b.txt', 'tenant b');
      const names = await ftp.list();
      expect(names).toContain('b.txt');
      expect(names).not.toContain('notes.txt');
      // The chroot: the parent of its root is its root.
      await ftp.cwd('..').catch(() => undefined);
      expect(await ftp.pwd()).toBe('/');
      expect(await ftp.list()).not.toContain(siteKey(a.id));
      await expect(ftp.get(`../${siteKey(a.id)}/notes.txt`)).rejects.toThrow(/55\d/);
      await expect(ftp.get(`${codeSpace(a.id)}/notes.txt`)).rejects.toThrow(/55\d/);
    } finally {
      await ftp.close();
    }
    expect(readFileSync(path.join(codeSpace(b.id), 'b.txt'), 'utf8')).toBe('tenant b');
  });

  it('a reset the host does not answer is a retryable 503 that changes nothing; the retried reset sets it', async () => {
    const chosen = 'Retried-ftp-Pass-7';
    const before = (await platform.call('GET', `/api/v1/sites/${a.id}/ftp`, { token: a.token })).body;
    ftpUnreachable = 1;
    const failed = await platform.call('POST', `/api/v1/sites/${a.id}/ftp/password`, {
      token: a.token,
      body: { password: chosen },
    });
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ code: 'host_unreachable', details: { retryable: true } });
    expect(JSON.stringify(failed.body)).not.toContain(chosen);
    // Nothing changed: the record, and the old password logs in.
    expect((await platform.call('GET', `/api/v1/sites/${a.id}/ftp`, { token: a.token })).body).toEqual(before);
    await (await ftpLogin(userA, passwordA)).close();
    const retried = await platform.call('POST', `/api/v1/sites/${a.id}/ftp/password`, {
      token: a.token,
      body: { password: chosen },
    });
    expect(retried.status).toBe(200);
    expect(retried.body.password).toBe(chosen);
    await (await ftpLogin(userA, chosen)).close();
    await expect(ftpLogin(userA, passwordA)).rejects.toThrow(/530/);
    passwordA = chosen;
    const rows = JSON.stringify(await platform.db.orm.em.getConnection().execute('SELECT * FROM site_ftp_accounts'));
    expect(rows).not.toContain(chosen);
  });

  it('a removed site loses its FTP login', async () => {
    const spaceB = { siteId: b.id, key: siteKey(b.id), hostname: b.hostname, diskMb: 5, phpVersion: '8.2', slot: 2 };
    await agent.removeSite(spaceB);
    await expect(ftpLogin(userB, passwordB)).rejects.toThrow(/530/);
    sites.splice(sites.indexOf(b), 1);
  });

  it('no new FTP password while the site is being removed; its removal deletes the sealed FTP record', async () => {
    const em = platform.deps.orm.em.fork();
    await em.nativeUpdate(Site, { id: a.id }, { status: 'removing' });
    const refused = await platform.call('POST', `/api/v1/sites/${a.id}/ftp/password`, { token: a.token });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'conflict', details: { status: 'removing' } });
    // The refused call changed nothing: the old password still logs in.
    const ftp = await ftpLogin(userA, passwordA);
    await ftp.close();
    await em.nativeUpdate(Site, { id: a.id }, { status: 'ready' });
    expect(await em.count(SiteFtpAccount, { siteId: a.id })).toBe(1);
    expect((await platform.call('DELETE', `/api/v1/sites/${a.id}`, { token: a.token })).status).toBe(202);
    await eventually(
      () => platform.call('GET', `/api/v1/sites/${a.id}`, { token: a.token }),
      (r) => r.status === 404,
    );
    expect(await em.fork().count(SiteFtpAccount, { siteId: a.id })).toBe(0);
    await expect(ftpLogin(userA, passwordA)).rejects.toThrow(/530/);
    sites.splice(sites.indexOf(a), 1);
  });

  it('a site whose FTP account cannot be made is set up without FTP', async () => {
    ftpBroken = true;
    let c;
    try {
      c = await orderSite(a.token, 'ftp-broken');
    } finally {
      ftpBroken = false;
    }
    expect((await platform.call('GET', `/api/v1/sites/${c.id}`, { token: c.token })).body).toMatchObject({
      status: 'ready',
      failure: null,
    });
    expect((await platform.call('GET', `/api/v1/sites/${c.id}/ftp`, { token: c.token })).status).toBe(404);
    expect((await platform.call('POST', `/api/v1/sites/${c.id}/ftp/password`, { token: c.token })).status).toBe(404);
  });

  it('a site of an app environment without FTP is built without an FTP account', async () => {
    const env = await platform.call('POST', '/api/v1/app-environments', {
      token: admin,
      body: { name: 'no-ftp', phpVersion: '8.2', ftp: false },
    });
    expect(env.status).toBe(201);
    const calls = ftpAccountCalls;
    const d = await orderSite(a.token, 'ftp-none', { environmentId: env.body.id });
    expect(ftpAccountCalls).toBe(calls);
    expect((await platform.call('GET', `/api/v1/sites/${d.id}`, { token: d.token })).body).toMatchObject({
      status: 'ready',
      environment: { id: env.body.id, name: 'no-ftp', version: 1 },
    });
    expect((await platform.call('GET', `/api/v1/sites/${d.id}/ftp`, { token: d.token })).status).toBe(404);
    await expect(ftpLogin(siteKey(d.id), 'any-password-at-all')).rejects.toBeInstanceOf(FtpError);
  });

  it('a setup whose host does not answer the FTP account is retried: the site is ready with its account', async () => {
    ftpUnreachable = 2;
    const e = await orderSite(a.token, 'ftp-retried');
    expect(ftpUnreachable).toBe(0);
    const shown = await platform.call('GET', `/api/v1/sites/${e.id}/ftp`, { token: e.token });
    expect(shown).toMatchObject({ status: 200, body: { username: siteKey(e.id), port: ftpPort } });
    const drawn = await platform.call('POST', `/api/v1/sites/${e.id}/ftp/password`, { token: e.token });
    expect(drawn.status).toBe(200);
    await (await ftpLogin(drawn.body.username, drawn.body.password)).close();
  });

  it('a failed site removed at once loses its FTP record too', async () => {
    const d = await orderSite(a.token, 'ftp-failed');
    const em = platform.deps.orm.em.fork();
    expect(await em.count(SiteFtpAccount, { siteId: d.id })).toBe(1);
    // As a provisioning whose undo finished leaves it.
    await em.nativeUpdate(Site, { id: d.id }, { status: 'failed', failure: 'set up failed (test)' });
    const gone = await platform.call('DELETE', `/api/v1/sites/${d.id}`, { token: d.token });
    expect(gone).toMatchObject({ status: 202, body: { status: 'removed' } });
    expect(await em.fork().count(SiteFtpAccount, { siteId: d.id })).toBe(0);
  });
});

describe('a host without pure-ftpd', () => {
  it('serves no FTP, with a warning, and makes no FTP accounts', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const root = mkdtempSync(path.join(tmpdir(), 'cmp-site-noftp-'));
    try {
      const bare = new LocalHostAgent({
        root,
        httpPort: 1,
        fpmBasePort: 2,
        ftpPort: 2121,
        ftpdBin: '/nonexistent/pure-ftpd',
      });
      const space = { siteId: 'x', key: 'x', hostname: 'x.localhost', diskMb: 5, phpVersion: '8.2', slot: 1 };
      // Null at once: neither the stack nor pure-ftpd is started for it.
      await expect(bare.ensureFtpAccount(space, 'a-password-of-12')).resolves.toBeNull();
      if (isRoot) expect(warn).toHaveBeenCalledWith(expect.stringMatching(/pure-ftpd or pure-pw is not installed/));
    } finally {
      warn.mockRestore();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
