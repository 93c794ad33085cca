import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createServer, connect as tcpConnect, type Server as TcpServer, type Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Server, utils, type ParsedKey } from 'ssh2';
import { SiteHostUnreachableError, SiteQuotaError, type SiteSpace } from '../../activities/sites/agent';
import { httpGet } from '../../activities/sites/health-check';
import { siteKey } from '../../activities/sites/settings';
import { SshHostAgent, sshKeyFingerprint } from '../../activities/sites/ssh-agent';
import { eventually } from '../support/eventually';
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
/** The commands the server runs, as it runs them. */
const children: ChildProcess[] = [];
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
          children.push(child);
          // A channel the client closes ends its command, as sshd's would (its session ends).
          stream.on('close', () => child.exitCode === null && child.kill('SIGKILL'));
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

test('exportRelease streams a release back as a tar.gz (after the answer line) that unpacks to the same files', async () => {
  const out = path.join(work, 'export.tar.gz');
  await agent.exportRelease(space, 2, out);
  const listed = execFileSync('tar', ['-tzf', out], { encoding: 'utf8' }).split('\n').filter(Boolean);
  expect(listed.sort()).toEqual(['./', './index.php']);
  await agent.unpackRelease(space, out, 'tar.gz', 3);
  const releases = path.join(work, 'host', 'sites', space.key, 'releases');
  expect(readFileSync(path.join(releases, '000003', 'index.php'), 'utf8')).toBe('<?php echo "release two";');
  await agent.removeRelease(space, 3);
  await expect(agent.exportRelease(space, 9, out)).rejects.toThrow(/release 9 .* is not on the host/);
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

describe('a host that does not answer', () => {
  const secret = 'Very-Secret-Db-Pass-1';
  const ftpSecret = 'Ftp-"Secret"-Pass-22';
  let script: string;
  const servers: TcpServer[] = [];
  const sockets = new Set<Socket>();

  const listen = (srv: TcpServer): Promise<number> => {
    servers.push(srv);
    srv.on('connection', (sock) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
      sock.on('error', () => undefined);
    });
    return new Promise((resolve) =>
      srv.listen(0, '127.0.0.1', () => resolve((srv.address() as { port: number }).port)),
    );
  };

  const sshAgent = (port: number, more: Partial<ConstructorParameters<typeof SshHostAgent>[0]> = {}) =>
    new SshHostAgent({
      host: '127.0.0.1',
      port,
      username: 'agent',
      privateKey: clientKey,
      hostKeySha256: hostFingerprint,
      command: `exec sh ${script}`,
      ...more,
    });

  beforeAll(() => {
    // An agent command that hangs on createSite, echoes its request and fails on ensureFtpAccount, answers 7 otherwise.
    script = path.join(work, 'hang.sh');
    writeFileSync(
      script,
      [
        'read -r req',
        'case "$req" in',
        '  *createSite*) exec sleep 30 ;;',
        '  *ensureFtpAccount*) echo "cannot parse $req" >&2; exit 3 ;;',
        `  *) echo '{"ok":true,"result":7}' ;;`,
        'esac',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    for (const sock of sockets) sock.destroy();
    await Promise.all(servers.map((srv) => new Promise((r) => srv.close(r))));
  });

  test('a server that accepts the connection and never answers the handshake fails fast and retryably', async () => {
    const port = await listen(createServer(() => undefined));
    const silent = sshAgent(port, { connectTimeoutMs: 500 });
    const failed = await silent.createSite(space, { CMP_DB_PASSWORD: secret }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(SiteHostUnreachableError);
    expect(failed).toMatchObject({ name: 'SiteHostUnreachable', retryable: true });
    expect((failed as Error).message).toMatch(/^ssh agent@127\.0\.0\.1:\d+: no SSH handshake within 500 ms/);
    expect((failed as Error).message).not.toContain(secret);
    await silent.close();
  });

  test('a command that hangs fails after its timeout, its command ended, the connection still serving', async () => {
    const hung = sshAgent(sshPort, { commandTimeoutMs: 1000 });
    try {
      const before = children.length;
      const failed = await hung.createSite(space, { CMP_DB_PASSWORD: secret }).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(SiteHostUnreachableError);
      expect((failed as Error).message).toBe(
        `the host agent on agent@127.0.0.1:${sshPort} did not answer createSite within 1000 ms; retried`,
      );
      // The hung command on the host was ended with its channel.
      const child = children[before];
      const ended = await eventually(
        () => child.exitCode !== null || child.signalCode !== null,
        (v) => v,
      );
      expect(ended).toBe(true);
      // The next operation goes through on the same connection.
      expect(await hung.usageBytes(space)).toBe(7);
      // An agent's error echoing its request names no secret of it.
      const echoed = await hung.ensureFtpAccount(space, ftpSecret).catch((e: unknown) => e);
      expect(echoed).toBeInstanceOf(Error);
      expect((echoed as Error).message).toMatch(/answered no result \(exit 3\): cannot parse .*\[redacted\]/);
      expect((echoed as Error).message).not.toContain(ftpSecret);
      expect((echoed as Error).message).not.toContain(JSON.stringify(ftpSecret).slice(1, -1));
    } finally {
      await hung.close();
    }
  });

  test('a host that stops answering on an open connection fails the call through the keepalive, then reconnects', async () => {
    // A TCP relay to the SSH server that can freeze: the host hangs (no reset, no answer).
    const pairs: Array<[Socket, Socket]> = [];
    const port = await listen(
      createServer((down) => {
        const up = tcpConnect(sshPort, '127.0.0.1');
        sockets.add(up);
        up.on('error', () => undefined);
        down.pipe(up);
        up.pipe(down);
        pairs.push([down, up]);
      }),
    );
    const relayed = sshAgent(port, { keepaliveIntervalMs: 200, keepaliveCountMax: 2, commandTimeoutMs: 45_000 });
    try {
      expect(await relayed.ensureStack()).toBe(7);
      for (const [down, up] of pairs) {
        down.unpipe(up);
        up.unpipe(down);
        down.pause();
        up.pause();
      }
      const failed = await relayed.ensureStack().catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(SiteHostUnreachableError);
      expect((failed as Error).message).toMatch(
        /the connection ended during ensureStack \(Keepalive timeout\); retried/,
      );
      // A new connection (through the relay again) serves the next call.
      expect(await relayed.ensureStack()).toBe(7);
    } finally {
      await relayed.close();
    }
  });
});
