import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import {
  chmod,
  lstat,
  stat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PackageFormat } from '../../domain/sites/archive-entries';
import { listPackage } from './archive';
import {
  SiteQuotaError,
  type FtpAccess,
  type HostAgent,
  type SiteLayout,
  type SiteSpace,
  type UnpackedRelease,
} from './agent';
import { ftpPasswdLine, hashFtpPassword, withFtpUser } from './ftp-users';
import { renderTemplate } from './templates';

const run = promisify(execFile);

export interface LocalAgentSettings {
  /** Directory of the host's web stack: configs, pid files, logs and every site's code space. */
  root: string;
  /** Loopback port nginx serves every site's vhost on. */
  httpPort: number;
  /** php-fpm pools listen on fpmBasePort + slot (the idle pool that keeps the master up on fpmBasePort). */
  fpmBasePort: number;
  /** Address nginx and php-fpm listen on (loopback). */
  listenAddress?: string;
  nginxBin?: string;
  /** php-fpm binary of a PHP version (`php-fpm8.2` by default). */
  fpmBin?: (phpVersion: string) => string;
  /** Group nginx's workers run as when the agent is root (they read the code spaces through it). */
  webGroup?: string;
  memoryLimitMb?: number;
  maxChildren?: number;
  /** Loopback port pure-ftpd serves the sites' FTP accounts on (none: no FTP; only when the agent is root). */
  ftpPort?: number;
  /** pure-ftpd's passive data ports (`first:last`). */
  ftpPassivePorts?: { first: number; last: number };
  /** pure-ftpd's binary (`pure-ftpd` on PATH or in an sbin directory by default); where it is missing there is no FTP. */
  ftpdBin?: string;
  /**
   * The web stack outlives this process (each call of the host agent's command over SSH is a process of its own):
   * the daemons are started in sessions of their own, their output in logs/, and stopped through their pid files.
   */
  detach?: boolean;
}

const isRoot = () => process.getuid?.() === 0;

/** Where `bin` is (a path as given, or the first on PATH or in the sbin directories a service's PATH may lack). */
function findBinary(bin: string): string | undefined {
  if (bin.includes('/')) return existsSync(bin) ? bin : undefined;
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'].filter(Boolean);
  return dirs.map((d) => path.join(d, bin)).find((f) => existsSync(f));
}
const pad = (n: number) => String(n).padStart(6, '0');

/** Runs the shared host's nginx and php-fpm on this machine, as children of this process, and builds sites in `root`. */
export class LocalHostAgent implements HostAgent {
  private nginx: ChildProcess | null = null;
  private fpm: ChildProcess | null = null;
  private ftpd: ChildProcess | null = null;
  private starting: Promise<{ httpPort: number }> | null = null;
  /** useradd and the reloads are one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listen: string;
  private readonly phpVersion = '8.2';

  constructor(private readonly s: LocalAgentSettings) {
    this.listen = s.listenAddress ?? '127.0.0.1';
  }

  private p(...parts: string[]) {
    return path.join(this.s.root, ...parts);
  }
  private siteRoot(space: SiteSpace) {
    return this.p('sites', space.key);
  }
  private user(space: SiteSpace) {
    return isRoot() ? `cmp-${space.key}`.slice(0, 32) : null;
  }
  private fpmBin(v: string) {
    return this.s.fpmBin?.(v) ?? `php-fpm${v}`;
  }
  private get nginxArgs() {
    return ['-p', this.p(), '-c', this.p('nginx.conf'), '-e', this.p('logs', 'nginx-error.log')];
  }
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Starts the stack once; a stack found dead since (its nginx or php-fpm gone) is started again. */
  async ensureStack(): Promise<{ httpPort: number }> {
    const started = this.starting;
    if (started && (await started.then(() => this.stackAlive()))) return started;
    if (this.starting === started) this.starting = null;
    this.starting ??= this.start().catch((e) => {
      this.starting = null;
      throw e;
    });
    return this.starting;
  }

  private async stackAlive(): Promise<boolean> {
    return (await this.alive('nginx.pid')) && (await this.alive('php-fpm.pid'));
  }

  private async start(): Promise<{ httpPort: number }> {
    for (const d of ['run', 'logs', 'vhosts', 'fpm-pools', 'sites']) await mkdir(this.p(d), { recursive: true });
    // Site users and nginx's workers walk through the root to their code spaces.
    if (isRoot()) {
      await chmod(this.s.root, 0o755);
      for (let d = path.dirname(path.resolve(this.s.root)); d !== path.dirname(d); d = path.dirname(d))
        if (((await stat(d)).mode & 0o001) === 0)
          throw new Error(
            `${d} is not searchable by other users: nginx and the sites' users could not reach ${this.s.root}`,
          );
    }
    const userLine = isRoot() ? `user www-data ${this.s.webGroup ?? 'www-data'};` : '';
    await writeFile(
      this.p('nginx.conf'),
      renderTemplate('nginx-main.conf', { root: this.p(), listen: `${this.listen}:${this.s.httpPort}`, userLine }),
    );
    await writeFile(this.p('php-fpm.conf'), renderTemplate('php-fpm-main.conf', { root: this.p() }));
    // php-fpm needs one pool to start: an idle one that serves nothing.
    await writeFile(
      this.p('fpm-pools', '000-idle.conf'),
      [
        '[cmp-idle]',
        ...(isRoot() ? ['user = nobody', 'group = nogroup'] : []),
        `listen = ${this.listen}:${this.s.fpmBasePort}`,
        'pm = ondemand',
        'pm.max_children = 1',
        '',
      ].join('\n'),
    );
    if (!(await this.alive('php-fpm.pid'))) {
      await run(this.fpmBin(this.phpVersion), ['-t', '-y', this.p('php-fpm.conf')], { env: { ...process.env } });
      this.fpm = this.spawn(this.fpmBin(this.phpVersion), ['-F', '-y', this.p('php-fpm.conf')]);
      await this.waitPort(this.s.fpmBasePort, this.fpm);
      await this.waitPidFile('php-fpm.pid');
    }
    if (!(await this.alive('nginx.pid'))) {
      await this.nginxTest();
      this.nginx = this.spawn(this.s.nginxBin ?? 'nginx', this.nginxArgs);
      await this.waitPort(this.s.httpPort, this.nginx);
      await this.waitPidFile('nginx.pid');
    }
    if (this.ftpEnabled) await this.startFtp();
    return { httpPort: this.s.httpPort };
  }

  private ftpdFound: boolean | undefined;

  /** FTP where a port is set, the agent is root and pure-ftpd is installed (else a warning, once, and no FTP). */
  private get ftpEnabled(): boolean {
    if (!this.s.ftpPort || !isRoot()) return false;
    if (this.ftpdFound === undefined) {
      this.ftpdFound = Boolean(findBinary(this.ftpdBin) && findBinary('pure-pw'));
      if (!this.ftpdFound)
        console.warn(`sites: ${this.ftpdBin} or pure-pw is not installed: the sites on this host get no FTP account`);
    }
    return this.ftpdFound;
  }

  private get ftpdBin(): string {
    return this.s.ftpdBin ?? 'pure-ftpd';
  }

  /** pure-ftpd on loopback: virtual users only (PureDB, read at each login), everyone chrooted, no anonymous. */
  private async startFtp(): Promise<void> {
    if (!existsSync(this.p('ftp', 'passwd'))) {
      await mkdir(this.p('ftp'), { recursive: true, mode: 0o700 });
      await writeFile(this.p('ftp', 'passwd'), '', { mode: 0o600 });
    }
    await this.ftpMkdb();
    if (await this.alive('pure-ftpd.pid')) return;
    const passive = this.s.ftpPassivePorts ?? { first: this.s.ftpPort! + 1, last: this.s.ftpPort! + 10 };
    this.ftpd = this.spawn(
      this.ftpdBin,
      [
        '-S',
        `${this.listen},${this.s.ftpPort}`,
        '-l',
        `puredb:${this.p('ftp', 'pureftpd.pdb')}`,
        '-g',
        this.p('run', 'pure-ftpd.pid'),
        '-p',
        `${passive.first}:${passive.last}`,
        '-P',
        this.listen,
        // No anonymous logins, every login in its home, no name lookups, no login below uid 100 (root, system).
        '-E',
        '-A',
        '-H',
        '-u',
        '100',
        // Files rw-r----- and directories rwxr-x---: the site's user and the web group, nobody else.
        '-U',
        '137:027',
        '-O',
        `clf:${this.p('logs', 'ftp-transfers.log')}`,
      ],
      true,
    );
    await this.waitPort(this.s.ftpPort!, this.ftpd);
  }

  private async ftpMkdb(): Promise<void> {
    await run('pure-pw', ['mkdb', this.p('ftp', 'pureftpd.pdb'), '-f', this.p('ftp', 'passwd')], {
      env: { ...process.env },
    });
  }

  private async numericId(args: string[]): Promise<number> {
    const { stdout } = await run(args[0], args.slice(1));
    const n = Number(String(stdout).trim().split(':')[2] ?? String(stdout).trim());
    if (!Number.isInteger(n)) throw new Error(`${args.join(' ')} answered ${String(stdout).trim()}`);
    return n;
  }

  async ensureFtpAccount(space: SiteSpace, password: string): Promise<FtpAccess | null> {
    if (!this.ftpEnabled) return null;
    await this.ensureStack();
    const root = this.siteRoot(space);
    if (!existsSync(root)) throw new Error(`site ${space.siteId} has no code space on this host`);
    const hash = await hashFtpPassword(password);
    const uid = await this.numericId(['id', '-u', this.user(space)!]);
    const gid = await this.numericId(['getent', 'group', this.s.webGroup ?? 'www-data']);
    const line = ftpPasswdLine({
      login: space.key,
      hash,
      uid,
      gid,
      home: root,
      quotaBytes: space.diskMb * 1024 * 1024,
    });
    return this.serial(async () => {
      await this.editFtpUsers(space.key, line);
      return { username: space.key, port: this.s.ftpPort! };
    });
  }

  private async editFtpUsers(login: string, line: string | null): Promise<void> {
    const file = this.p('ftp', 'passwd');
    const before = existsSync(file) ? await readFile(file, 'utf8') : '';
    if (line === null && !before.split('\n').some((l) => l.startsWith(`${login}:`))) return;
    const tmp = `${file}.${randomBytes(4).toString('hex')}`;
    await writeFile(tmp, withFtpUser(before, login, line), { mode: 0o600 });
    await rename(tmp, file);
    await this.ftpMkdb();
  }

  /** `group`: the child leads a process group of its own (pure-ftpd's sessions are its children; stop ends them all). */
  private spawn(bin: string, args: string[], group = false): ChildProcess {
    if (this.s.detach) {
      const log = openSync(this.p('logs', `${path.basename(bin)}.out`), 'a');
      const child = spawn(bin, args, { env: { ...process.env }, stdio: ['ignore', log, log], detached: true });
      closeSync(log);
      child.on('error', () => undefined);
      child.unref();
      return child;
    }
    const child = spawn(bin, args, { env: { ...process.env }, stdio: ['ignore', 'ignore', 'pipe'], detached: group });
    let err = '';
    child.stderr!.on('data', (d) => (err = (err + String(d)).slice(-4000)));
    (child as ChildProcess & { lastError?: () => string }).lastError = () => err;
    child.on('error', () => undefined);
    return child;
  }

  private async alive(pidFile: string): Promise<boolean> {
    try {
      const pid = Number((await readFile(this.p('run', pidFile), 'utf8')).trim());
      if (!pid) return false;
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /** A daemon listens a moment before it writes its pid file (what stackAlive reads). */
  private async waitPidFile(pidFile: string): Promise<void> {
    for (const deadline = Date.now() + 5000; !(await this.alive(pidFile));) {
      if (Date.now() > deadline) throw new Error(`${pidFile} names no running process 5 s after the start`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async pidOf(pidFile: string): Promise<number> {
    return Number((await readFile(this.p('run', pidFile), 'utf8')).trim());
  }

  private async waitPort(port: number, child: ChildProcess): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        const why = (child as ChildProcess & { lastError?: () => string }).lastError?.() ?? '';
        throw new Error(`${child.spawnfile} exited before listening on ${port}: ${why.trim()}`);
      }
      const open = await new Promise<boolean>((resolve) => {
        const sock = connect(port, this.listen);
        sock.once('connect', () => (sock.destroy(), resolve(true)));
        sock.once('error', () => resolve(false));
      });
      if (open) return;
      if (Date.now() > deadline) throw new Error(`${child.spawnfile} did not listen on ${port} within 15 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async nginxTest(): Promise<void> {
    try {
      await run(this.s.nginxBin ?? 'nginx', ['-t', '-q', ...this.nginxArgs], { env: { ...process.env } });
    } catch (e) {
      throw new Error(`nginx -t refused the configuration: ${String((e as { stderr?: string }).stderr ?? e).trim()}`, {
        cause: e,
      });
    }
  }

  /** nginx -t and php-fpm -t, then both masters reload (nginx: HUP, php-fpm: USR2). */
  private async reload(): Promise<void> {
    await this.ensureStack();
    await this.nginxTest();
    try {
      await run(this.fpmBin(this.phpVersion), ['-t', '-y', this.p('php-fpm.conf')], { env: { ...process.env } });
    } catch (e) {
      throw new Error(
        `php-fpm -t refused the configuration: ${String((e as { stderr?: string }).stderr ?? e).trim()}`,
        {
          cause: e,
        },
      );
    }
    process.kill(await this.pidOf('php-fpm.pid'), 'SIGUSR2');
    process.kill(await this.pidOf('nginx.pid'), 'SIGHUP');
  }

  async createSite(space: SiteSpace, env: Record<string, string> = {}): Promise<SiteLayout> {
    if (!/^[a-z0-9-]{1,24}$/.test(space.key)) throw new Error(`bad site key ${space.key}`);
    await this.ensureStack();
    const root = this.siteRoot(space);
    const user = this.user(space);
    return this.serial(async () => {
      for (const d of ['releases', 'tmp', 'logs']) await mkdir(path.join(root, d), { recursive: true });
      if (user) {
        const exists = await run('id', ['-u', user]).then(
          () => true,
          () => false,
        );
        if (!exists)
          await run('useradd', [
            '--system',
            '--no-create-home',
            '--home-dir',
            root,
            '--shell',
            '/usr/sbin/nologin',
            '--user-group',
            user,
          ]);
        const web = this.s.webGroup ?? 'www-data';
        await run('chown', [`${user}:${web}`, root, path.join(root, 'releases')]);
        await run('chown', [`${user}:${user}`, path.join(root, 'tmp'), path.join(root, 'logs')]);
        await chmod(root, 0o750);
        await chmod(path.join(root, 'releases'), 0o750);
        await chmod(path.join(root, 'tmp'), 0o700);
        await chmod(path.join(root, 'logs'), 0o750);
      }
      const fpmPort = this.s.fpmBasePort + space.slot;
      const values = {
        siteId: space.siteId,
        hostname: space.hostname,
        siteRoot: root,
        listen: `${this.listen}:${this.s.httpPort}`,
        fpmPort,
        fpmAddress: this.listen,
        pool: `site-${space.key}`,
        userLines: user ? `user = ${user}\ngroup = ${user}` : '',
        envLines: envLines(env),
        maxChildren: this.s.maxChildren ?? 4,
        memoryLimitMb: this.s.memoryLimitMb ?? 128,
        requestTimeoutSeconds: 30,
        bodyLimitMb: 16,
      };
      // The pool may carry the database's password: only the php-fpm master reads it.
      await writeFile(this.p('fpm-pools', `site-${space.key}.conf`), renderTemplate('php-fpm-pool.conf', values), {
        mode: 0o600,
      });
      const vhost = this.p('vhosts', `site-${space.key}.conf`);
      const before = existsSync(vhost) ? await readFile(vhost, 'utf8') : null;
      await writeFile(vhost, renderTemplate('nginx-vhost.conf', values));
      try {
        await this.reload();
      } catch (e) {
        // A vhost nginx refuses never stays for the next reload to trip on.
        if (before === null) await rm(vhost, { force: true });
        else await writeFile(vhost, before);
        throw e;
      }
      return { root, user };
    });
  }

  async usageBytes(space: SiteSpace): Promise<number> {
    return (await walk(path.join(this.siteRoot(space), 'releases'))).bytes;
  }

  async unpackRelease(
    space: SiteSpace,
    archive: string,
    format: PackageFormat,
    number: number,
  ): Promise<UnpackedRelease> {
    const root = this.siteRoot(space);
    const dir = path.join(root, 'releases', pad(number));
    // A retry starts again from nothing.
    await rm(dir, { recursive: true, force: true });
    const quota = space.diskMb * 1024 * 1024;
    const free = quota - (await this.usageBytes(space));
    const entries = await listPackage(archive, format);
    const declared = entries.reduce((n, e) => n + e.size, 0);
    if (declared > free) throw new SiteQuotaError(declared, free);
    await mkdir(dir, { recursive: true });
    try {
      if (format === 'zip') await run('unzip', ['-qq', '-o', archive, '-d', dir]);
      else await run('tar', ['-xzf', archive, '-C', dir, '--no-same-owner', '--no-same-permissions']);
      const got = await walk(dir);
      if (got.links) throw new Error('the unpacked package holds a symbolic link');
      if (got.bytes > free) throw new SiteQuotaError(got.bytes, free);
      const user = this.user(space);
      if (user) {
        await run('chown', ['-R', `${user}:${this.s.webGroup ?? 'www-data'}`, dir]);
        await run('chmod', ['-R', 'u+rwX,g+rX,g-w,o-rwx', dir]);
      }
      return { sizeBytes: got.bytes, entries: got.entries };
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  async activateRelease(space: SiteSpace, number: number): Promise<number | null> {
    const root = this.siteRoot(space);
    const target = path.join('releases', pad(number));
    if (!existsSync(path.join(root, target)))
      throw new Error(`release ${number} of site ${space.siteId} is not on the host`);
    const current = path.join(root, 'current');
    const before = await readlink(current).catch(() => null);
    const tmp = path.join(root, `.current-${randomBytes(4).toString('hex')}`);
    await symlink(target, tmp);
    await rename(tmp, current);
    return before ? Number(path.basename(before)) : null;
  }

  async deactivateRelease(space: SiteSpace): Promise<number | null> {
    const current = path.join(this.siteRoot(space), 'current');
    const before = await readlink(current).catch(() => null);
    await rm(current, { force: true });
    return before ? Number(path.basename(before)) : null;
  }

  async exportRelease(space: SiteSpace, number: number, toFile: string): Promise<void> {
    const dir = path.join(this.siteRoot(space), 'releases', pad(number));
    if (!existsSync(dir)) throw new Error(`release ${number} of site ${space.siteId} is not on the host`);
    await run('tar', ['-czf', toFile, '--owner=0', '--group=0', '--numeric-owner', '-C', dir, '.']);
  }

  async removeRelease(space: SiteSpace, number: number): Promise<void> {
    await rm(path.join(this.siteRoot(space), 'releases', pad(number)), { recursive: true, force: true });
  }

  async removeSite(space: SiteSpace): Promise<void> {
    await this.serial(async () => {
      await rm(this.p('vhosts', `site-${space.key}.conf`), { force: true });
      await rm(this.p('fpm-pools', `site-${space.key}.conf`), { force: true });
      if (existsSync(this.p('ftp', 'passwd'))) await this.editFtpUsers(space.key, null);
      if (this.nginx || (await this.alive('nginx.pid'))) await this.reload();
      await rm(this.siteRoot(space), { recursive: true, force: true });
      const user = this.user(space);
      if (user) await run('userdel', [user]).catch(() => undefined);
    });
  }

  private async stopDetached(): Promise<void> {
    for (const f of ['nginx.pid', 'php-fpm.pid', 'pure-ftpd.pid']) await stopByPidFile(this.p('run', f));
    this.nginx = this.fpm = this.ftpd = null;
    this.starting = null;
  }

  async stop(): Promise<void> {
    if (this.s.detach) return this.stopDetached();
    const stopOne = async (child: ChildProcess | null) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      if (child === this.ftpd && child.pid) process.kill(-child.pid, 'SIGTERM');
      else child.kill('SIGTERM');
      await exited;
    };
    await Promise.all([stopOne(this.nginx), stopOne(this.fpm), stopOne(this.ftpd)]);
    this.nginx = this.fpm = this.ftpd = null;
    this.starting = null;
  }
}

/** Ends a daemon (and its process group) by its pid file and waits until it is gone. */
async function stopByPidFile(file: string): Promise<void> {
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  if (!pid) return;
  for (const target of [-pid, pid])
    try {
      process.kill(target, 'SIGTERM');
    } catch {
      // not a group leader, or gone already
    }
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`process ${pid} (${file}) did not stop within 10 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `env[NAME] = "value"` lines of a pool; a value that could end the line or the quotes is refused. */
function envLines(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => {
      if (!/^[A-Z][A-Z0-9_]*$/.test(k) || /["\n\r\\$]/.test(v))
        throw new Error(`environment value ${k} cannot be written to a pool`);
      return `env[${k}] = "${v}"`;
    })
    .join('\n');
}

/** Apparent size, entry count and symbolic links under a directory (links are not followed). */
async function walk(dir: string): Promise<{ bytes: number; entries: number; links: number }> {
  const out = { bytes: 0, entries: 0, links: 0 };
  const visit = async (d: string) => {
    let names: string[];
    try {
      names = await readdir(d);
    } catch {
      return;
    }
    for (const n of names) {
      const full = path.join(d, n);
      const st = await lstat(full);
      out.entries++;
      if (st.isSymbolicLink()) out.links++;
      else if (st.isDirectory()) await visit(full);
      else out.bytes += st.size;
    }
  };
  await visit(dir);
  return out;
}
