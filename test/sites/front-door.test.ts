import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { LocalFrontDoor, SiteNameError } from '../../activities/sites/front-door';
import { createFrontDoorActivities } from '../../activities/sites/front-door-activities';
import type { SitesSettings } from '../../activities/sites/settings';
import { freePort } from '../support/free-port';

/** A GET through the front door with `host` as the Host header. */
function get(port: number, host: string, p = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: p, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

/** A loopback HTTP server answering its name and the Host header it was given. */
async function backend(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => res.end(`${name} ${req.headers.host}`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const workersOf = (pid: number) =>
  execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map(Number)
    .sort();

describe('the sites’ front door: an nginx of its own routing public names to their targets', () => {
  let work: string;
  let port: number;
  let door: LocalFrontDoor;
  let a: { server: Server; port: number };
  let b: { server: Server; port: number };
  let masterPid = 0;
  let pids: number[] = [];

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'cmp-front-door-'));
    port = await freePort();
    door = new LocalFrontDoor({ root: path.join(work, 'front-door'), port });
    a = await backend('A');
    b = await backend('B');
  });

  afterAll(async () => {
    await door?.stop();
    for (const s of [a?.server, b?.server]) {
      s?.closeAllConnections();
      s?.close();
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('points two names at two servers; each Host reaches its own, an unknown name answers 404', async () => {
    expect(await door.running()).toBeNull();
    await door.point('shop.example.test', { address: '127.0.0.1', port: a.port });
    await door.point('Blog.Example.Test', { address: '127.0.0.1', port: b.port });
    expect(await get(port, 'shop.example.test')).toEqual({ status: 200, body: 'A shop.example.test' });
    expect(await get(port, 'blog.example.test')).toEqual({ status: 200, body: 'B blog.example.test' });
    expect((await get(port, 'nobody.example.test')).status).toBe(404);
    expect(await door.target('shop.example.test')).toEqual({ address: '127.0.0.1', port: a.port });
    expect(await door.target('blog.example.test')).toEqual({ address: '127.0.0.1', port: b.port });
    expect(await door.target('nobody.example.test')).toBeNull();
    masterPid = (await door.running())!;
    expect(masterPid).toBeGreaterThan(0);
    const conf = readFileSync(path.join(work, 'front-door', 'routes', 'shop.example.test.conf'), 'utf8');
    expect(conf).toContain('server_name shop.example.test;');
    expect(conf).toContain(`proxy_pass http://127.0.0.1:${a.port};`);
    expect(conf).toContain('proxy_set_header Host $host;');
  });

  it('pointing a name where it already points neither writes nor reloads', async () => {
    const file = path.join(work, 'front-door', 'routes', 'shop.example.test.conf');
    const before = { mtime: statSync(file).mtimeMs, workers: workersOf(masterPid) };
    await door.point('shop.example.test', { address: '127.0.0.1', port: a.port });
    expect(statSync(file).mtimeMs).toBe(before.mtime);
    expect(workersOf(masterPid)).toEqual(before.workers);
  });

  it('repoints a name: it moves at once; the other stays', async () => {
    await door.point('shop.example.test', { address: '127.0.0.1', port: b.port });
    expect(await get(port, 'shop.example.test')).toEqual({ status: 200, body: 'B shop.example.test' });
    expect(await get(port, 'blog.example.test')).toEqual({ status: 200, body: 'B blog.example.test' });
    await door.point('shop.example.test', { address: '127.0.0.1', port: a.port });
    expect(await get(port, 'shop.example.test')).toEqual({ status: 200, body: 'A shop.example.test' });
    expect(await door.running()).toBe(masterPid);
  });

  it('refuses an invalid name or target and writes nothing', async () => {
    const routes = path.join(work, 'front-door', 'routes');
    const before = readdirSync(routes).sort();
    const bad = [
      'bad host.test',
      'x.test;include /etc/passwd',
      'x.test\nserver_name y',
      '-lead.test',
      'a..b',
      '*.wild.test',
      '../../etc/x',
      '',
      `${'a'.repeat(64)}.test`,
    ];
    for (const h of bad)
      await expect(door.point(h, { address: '127.0.0.1', port: a.port })).rejects.toBeInstanceOf(SiteNameError);
    for (const t of [
      { address: '127.0.0.1;', port: a.port },
      { address: '127.0.0.1', port: 0 },
      { address: '127.0.0.1', port: 70000 },
      { address: 'x}y', port: 80 },
    ])
      await expect(door.point('fine.example.test', t)).rejects.toBeInstanceOf(SiteNameError);
    expect(readdirSync(routes).sort()).toEqual(before);
  });

  it('a route nginx -t refuses is undone: the previous one stays in force', async () => {
    const file = path.join(work, 'front-door', 'routes', 'shop.example.test.conf');
    const before = readFileSync(file, 'utf8');
    // A valid DNS name nginx cannot resolve: `nginx -t` fails ("host not found in upstream").
    await expect(door.point('shop.example.test', { address: 'no-such-host.invalid', port: 80 })).rejects.toThrow(
      /nginx -t refused/,
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(await door.target('shop.example.test')).toEqual({ address: '127.0.0.1', port: a.port });
    expect(await get(port, 'shop.example.test')).toEqual({ status: 200, body: 'A shop.example.test' });
    // A new name refused leaves no file behind.
    await expect(door.point('new.example.test', { address: 'no-such-host.invalid', port: 80 })).rejects.toThrow(
      /nginx -t refused/,
    );
    expect(existsSync(path.join(work, 'front-door', 'routes', 'new.example.test.conf'))).toBe(false);
    expect(readdirSync(path.join(work, 'front-door', 'routes')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('removes a name: it answers 404, and removing it again is fine', async () => {
    await door.remove('blog.example.test');
    expect((await get(port, 'blog.example.test')).status).toBe(404);
    expect(await door.target('blog.example.test')).toBeNull();
    await door.remove('blog.example.test');
    expect(await get(port, 'shop.example.test')).toEqual({ status: 200, body: 'A shop.example.test' });
  });

  it('a remove cut short after its file went (a worker killed before the reload) is finished by the next', async () => {
    await door.point('cut.example.test', { address: '127.0.0.1', port: a.port });
    rmSync(path.join(work, 'front-door', 'routes', 'cut.example.test.conf'));
    expect((await get(port, 'cut.example.test')).status).toBe(200);
    await door.remove('cut.example.test');
    expect((await get(port, 'cut.example.test')).status).toBe(404);
  });

  it('after a worker restart a new instance finds the running nginx by its pid file and drives it', async () => {
    const again = new LocalFrontDoor({ root: path.join(work, 'front-door'), port });
    expect(await again.running()).toBe(masterPid);
    expect(await again.target('shop.example.test')).toEqual({ address: '127.0.0.1', port: a.port });
    await again.point('blog.example.test', { address: '127.0.0.1', port: b.port });
    expect(await get(port, 'blog.example.test')).toEqual({ status: 200, body: 'B blog.example.test' });
    expect(await again.running()).toBe(masterPid);
    pids = [masterPid, ...workersOf(masterPid)];
    expect(pids.length).toBeGreaterThan(1);
  });

  it('the activities refuse a bad name at once and drive the router', async () => {
    const acts = createFrontDoorActivities({ frontDoor: door } as unknown as SitesSettings);
    const err = await acts
      .pointSiteName({ hostname: 'a b', target: { address: '127.0.0.1', port: 1 } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    await acts.pointSiteName({ hostname: 'act.example.test', target: { address: '127.0.0.1', port: a.port } });
    expect(await acts.siteNameTarget({ hostname: 'act.example.test' })).toEqual({ address: '127.0.0.1', port: a.port });
    expect((await get(port, 'act.example.test')).body).toBe('A act.example.test');
    await acts.removeSiteName({ hostname: 'act.example.test' });
    expect(await acts.siteNameTarget({ hostname: 'act.example.test' })).toBeNull();
    const none = await createFrontDoorActivities(undefined)
      .siteNameTarget({ hostname: 'x.test' })
      .catch((e) => e);
    expect((none as ApplicationFailure).type).toBe('NotConfigured');
  });

  it('stop ends the master and its workers (found by the pid file, from another instance)', async () => {
    await new LocalFrontDoor({ root: path.join(work, 'front-door'), port }).stop();
    expect(pids.filter(alive)).toEqual([]);
    expect(await door.running()).toBeNull();
    await expect(get(port, 'shop.example.test')).rejects.toThrow();
  });
});
