import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Server, utils, type ParsedKey } from 'ssh2';
import { SiteQuotaError, type SiteSpace } from '../../activities/sites/agent';
import { httpGet } from '../../activities/sites/health-check';
import { siteKey } from '../../activities/sites/settings';
import { SshHostAgent, sshKeyFingerprint } from '../../activities/sites/ssh-agent';
import { freePort } from '../support/free-port';

jest.setTimeout(60_000);

const repo = path.resolve(__dirname, '..', '..');
let work: string;
let server: Server;
let sshPort: number;
let httpPort: number;
let agent: SshHostAgent;
let hostFingerprint: string;
let clientKey: string;
const execs: string[] = [];
const connections = new Set<{ end(): unknown }>();
let stopped = false;

const space: SiteSpace = {
  siteId: '5a5a5a5a-0000-4000-8000-000000000001',
  key: siteKey('5a5a5a5a-0000-4000-8000-000000000001'),
  hostname: 'remote.ssh.localhost',
  diskMb: 2,
  phpVersion: '8.2',
  slot: 1,
};

function tarGz(name: string, files: Record<string, string>): string {
  const dir = path.join(work, `${name}-src`);
  mkdirSync(dir, { recursive: true });
  for (const [p, content] of Object.entries(files)) writeFileSync(path.join(dir, p), content);
  const out = path.join(work, `${name}.tar.gz`);
  execFileSync('tar', ['-czf', out, '-C', dir, '.']);
  return out;
}

/**
 * A real SSH server on loopback (ssh2's Server: key exchange, public-key authentication, exec channels) that
 * runs each command here, as an sshd would on the shared host.
 */
function startSshServer(hostKey: string, allowed: ParsedKey): Promise<Server> {
  const srv = new Server({ hostKeys: [hostKey] }, (client) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.username !== 'agent') return ctx.reject(['publickey']);
      const ok =
        ctx.key.algo === allowed.type &&
        ctx.key.data.length === allowed.getPublicSSH().length &&
        timingSafeEqual(ctx.key.data, allowed.getPublicSSH());
      if (!ok) return ctx.reject(['publickey']);
      if (ctx.signature && !allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo)) return ctx.reject(['publickey']);
      ctx.accept();
    });
    client.on('ready', () =>
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('exec', (accept, _reject, info) => {
          execs.push(info.command);
          const stream = accept();
          const child = spawn('sh', ['-c', info.command], { env: { ...process.env }, cwd: repo });
          stream.pipe(child.stdin);
          child.stdout.pipe(stream, { end: false });
          child.stderr.pipe(stream.stderr, { end: false });
          child.on('close', (code) => {
            stream.exit(code ?? 1);
            stream.end();
          });
        });
      }),
    );
  });
  return new Promise((resolve) => srv.listen(sshPort, '127.0.0.1', () => resolve(srv)));
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'cmp-ssh-agent-'));
  chmodSync(work, 0o755);
  sshPort = await freePort();
  httpPort = await freePort();
  const hostKey = utils.generateKeyPairSync('ed25519');
  const client = utils.generateKeyPairSync('ed25519');
  clientKey = client.private;
  hostFingerprint = sshKeyFingerprint((utils.parseKey(hostKey.public) as ParsedKey).getPublicSSH());
  server = await startSshServer(hostKey.private, utils.parseKey(client.public) as ParsedKey);
  // The shared host's agent settings, as its operator writes them there.
  const settingsFile = path.join(work, 'agent.json');
  writeFileSync(
    settingsFile,
    JSON.stringify({ root: path.join(work, 'host'), httpPort, fpmBasePort: 20_005 + (process.pid % 2000) * 10 }),
  );
  agent = new SshHostAgent({
    host: '127.0.0.1',
    port: sshPort,
    username: 'agent',
    privateKey: clientKey,
    hostKeySha256: hostFingerprint,
    command: `${process.execPath} --import tsx activities/sites/agent-cli.ts ${settingsFile}`,
  });
});

afterAll(async () => {
  if (agent && !stopped) {
    await agent.removeSite(space).catch(() => undefined);
    await agent.stop().catch(() => undefined);
  }
  for (const c of connections) c.end();
  await new Promise((r) => server?.close(r));
  rmSync(work, { recursive: true, force: true });
});

test('the SSH driver builds, publishes and serves a site on the host it reaches, through its agent command', async () => {
  expect(await agent.ensureStack()).toEqual({ httpPort });
  const layout = await agent.createSite(space, { CMP_GREETING: 'over ssh' });
  expect(layout.root).toBe(path.join(work, 'host', 'sites', space.key));
  if (process.getuid?.() === 0) expect(layout.user).toBe(`cmp-${space.key}`);
  const unpacked = await agent.unpackRelease(
    space,
    tarGz('v1', { 'index.php': '<?php echo "release one, ", getenv("CMP_GREETING");' }),
    'tar.gz',
    1,
  );
  expect(unpacked).toMatchObject({ entries: 1 });
  expect(await agent.activateRelease(space, 1)).toBeNull();
  // The daemons outlived the calls that started them.
  const got = await httpGet('127.0.0.1', httpPort, space.hostname, '/');
  expect(got).toMatchObject({ status: 200, body: 'release one, over ssh' });
  expect(await agent.usageBytes(space)).toBe(unpacked.sizeBytes);
  // Every operation was one exec of the agent command.
  expect(execs.length).toBeGreaterThanOrEqual(5);
  expect(new Set(execs).size).toBe(1);
});

test('a package over the quota comes back as the quota error; a second release switches atomically', async () => {
  const big = tarGz('big', { 'blob.bin': '\0'.repeat(3 * 1024 * 1024) });
  const refused = await agent.unpackRelease(space, big, 'tar.gz', 2).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(SiteQuotaError);
  expect((refused as SiteQuotaError).neededBytes).toBe(3 * 1024 * 1024);
  expect(existsSync(path.join(work, 'host', 'sites', space.key, 'releases', '000002'))).toBe(false);
  await agent.unpackRelease(space, tarGz('v2', { 'index.php': '<?php echo "release two";' }), 'tar.gz', 2);
  expect(await agent.activateRelease(space, 2)).toBe(1);
  expect((await httpGet('127.0.0.1', httpPort, space.hostname, '/')).body).toBe('release two');
  await expect(agent.activateRelease(space, 7)).rejects.toThrow(/release 7 .* is not on the host/);
});

test('a host whose key is not the one registered, or a key the host does not know, is refused', async () => {
  const wrongHost = new SshHostAgent({
    host: '127.0.0.1',
    port: sshPort,
    username: 'agent',
    privateKey: clientKey,
    hostKeySha256: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    command: 'true',
  });
  await expect(wrongHost.ensureStack()).rejects.toThrow(/ssh agent@127\.0\.0\.1/);
  const stranger = new SshHostAgent({
    host: '127.0.0.1',
    port: sshPort,
    username: 'agent',
    privateKey: utils.generateKeyPairSync('ed25519').private,
    hostKeySha256: hostFingerprint,
    command: 'true',
  });
  await expect(stranger.ensureStack()).rejects.toThrow(/authentication/i);
});

test('removing the site and stopping the host end its vhost and its daemons', async () => {
  await agent.removeSite(space);
  expect(existsSync(path.join(work, 'host', 'sites', space.key))).toBe(false);
  expect((await httpGet('127.0.0.1', httpPort, space.hostname, '/')).status).toBe(404);
  const pids = ['nginx.pid', 'php-fpm.pid'].map((f) => Number(readFileSync(path.join(work, 'host', 'run', f), 'utf8')));
  await agent.stop();
  stopped = true;
  for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
});
