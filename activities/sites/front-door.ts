import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect, isIP } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { aliveByPidFile, stopByPidFile } from './pid-file';
import { renderTemplate } from './templates';

const run = promisify(execFile);

export interface SiteTarget {
  address: string;
  port: number;
}

/**
 * Where a site's public name points: the shared host, or a dedicated site's load balancer. A migration's cut-over
 * points the name at the new place and its rollback points it back.
 */
export interface SiteNameRouter {
  /** The name answers from `target` once this resolves; pointing it where it already points changes nothing. */
  point(hostname: string, target: SiteTarget): Promise<void>;
  /** The name points nowhere any more (one that pointed nowhere is fine). */
  remove(hostname: string): Promise<void>;
  target(hostname: string): Promise<SiteTarget | null>;
  /** Where the public finds a name this router points. */
  urlOf(hostname: string): string;
}

/** A name or target a router refuses: a retry cannot mend it. */
export class SiteNameError extends Error {
  override name = 'SiteNameError';
}

const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** `hostname` as a DNS name (lower case, labels of letters, digits and inner hyphens), or a SiteNameError. */
export function checkHostname(hostname: string): string {
  const h = typeof hostname === 'string' ? hostname.toLowerCase() : '';
  if (h.length < 1 || h.length > 253 || !h.split('.').every((l) => label.test(l)))
    throw new SiteNameError(`${JSON.stringify(hostname)} is not a DNS name`);
  return h;
}

/** An IP address or a DNS name, and a TCP port; otherwise a SiteNameError. */
export function checkTarget(target: SiteTarget): SiteTarget {
  const port = target?.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new SiteNameError(`target port ${JSON.stringify(port)} is not a TCP port`);
  const address = target.address;
  if (typeof address !== 'string' || (!isIP(address) && !safeName(address)))
    throw new SiteNameError(`target address ${JSON.stringify(address)} is neither an IP address nor a DNS name`);
  return { address: isIP(address) ? address : address.toLowerCase(), port };
}

const safeName = (s: string) => {
  try {
    checkHostname(s);
    return true;
  } catch {
    return false;
  }
};

export interface LocalFrontDoorSettings {
  /** Its prefix: nginx.conf, `routes/` (one file per name), `run/` (pid file, temp files), `logs/`. */
  root: string;
  /** Loopback port the front door answers every routed name on. */
  port: number;
  listenAddress?: string;
  nginxBin?: string;
  /** How long `point` and `remove` wait for nginx to run with the new route (default 10 s). */
  settleMs?: number;
}

const routePath = '/.well-known/cmp-front-door-route';

/**
 * The embedded default: an nginx of its own on loopback, one route file per name proxying to its target. It is started
 * on first need in a session of its own (it outlives the worker that started it; the next finds it by its pid file)
 * and stopped by `stop`. Every change is checked with `nginx -t` before the reload; a refused one is undone.
 */
export class LocalFrontDoor implements SiteNameRouter {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listen: string;

  constructor(private readonly s: LocalFrontDoorSettings) {
    this.listen = s.listenAddress ?? '127.0.0.1';
  }

  urlOf(hostname: string): string {
    return `http://${hostname}:${this.port}/`;
  }

  get port(): number {
    return this.s.port;
  }

  private p(...parts: string[]) {
    return path.join(this.s.root, ...parts);
  }
  private get nginxBin() {
    return this.s.nginxBin ?? 'nginx';
  }
  private get nginxArgs() {
    return ['-p', this.p(), '-c', this.p('nginx.conf'), '-e', this.p('logs', 'nginx-error.log')];
  }
  private routeFile(hostname: string) {
    return this.p('routes', `${hostname}.conf`);
  }
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The running master's pid, or null. */
  running(): Promise<number | null> {
    return aliveByPidFile(this.p('run', 'nginx.pid'), 'nginx');
  }

  async point(hostname: string, target: SiteTarget): Promise<void> {
    const host = checkHostname(hostname);
    const t = checkTarget(target);
    const upstream = `${isIP(t.address) === 6 ? `[${t.address}]` : t.address}:${t.port}`;
    const values = {
      hostname: host,
      address: t.address,
      port: t.port,
      upstream,
      listen: `${this.listen}:${this.s.port}`,
      bodyLimitMb: 64,
    };
    const route = createHash('sha256')
      .update(renderTemplate('front-door-route.conf', { ...values, route: '-' }))
      .digest('hex')
      .slice(0, 16);
    const text = renderTemplate('front-door-route.conf', { ...values, route });
    await this.serial(async () => {
      const file = this.routeFile(host);
      const before = await readFile(file, 'utf8').catch(() => null);
      if (before === text && (await this.running()) && (await this.liveRoute(host)) === route) return;
      await this.prepare();
      await atomicWrite(file, text);
      await this.applyOrUndo(file, before);
      await this.settle(host, route);
    });
  }

  async remove(hostname: string): Promise<void> {
    const host = checkHostname(hostname);
    await this.serial(async () => {
      const file = this.routeFile(host);
      const before = await readFile(file, 'utf8').catch(() => null);
      if (before !== null) await rm(file, { force: true });
      // Nothing to undo where the file was gone already (a remove cut short before its reload is finished here).
      if (!(await this.running()) || (await this.liveRoute(host)) === null) return;
      await this.applyOrUndo(file, before);
      await this.settle(host, null);
    });
  }

  async target(hostname: string): Promise<SiteTarget | null> {
    const text = await readFile(this.routeFile(checkHostname(hostname)), 'utf8').catch(() => null);
    const m = text?.match(/^# target (\S+) (\d+)$/m);
    return m ? { address: m[1], port: Number(m[2]) } : null;
  }

  /** After a restart: the front door's nginx started again when it has routes and is not running. */
  async ensureRunning(): Promise<void> {
    await this.serial(async () => {
      const routes = await readdir(this.p('routes')).catch(() => [] as string[]);
      if (!routes.some((f) => f.endsWith('.conf')) || (await this.running())) return;
      await this.prepare();
      await this.nginxTest();
      await this.start();
    });
  }

  /** Stops the front door's nginx (the one this process started or one found by its pid file). */
  async stop(): Promise<void> {
    await this.serial(() => stopByPidFile(this.p('run', 'nginx.pid')));
  }

  private async prepare(): Promise<void> {
    for (const d of ['run', 'logs', 'routes']) await mkdir(this.p(d), { recursive: true });
    const conf = renderTemplate('front-door-main.conf', { root: this.p(), listen: `${this.listen}:${this.s.port}` });
    const current = await readFile(this.p('nginx.conf'), 'utf8').catch(() => null);
    if (current !== conf) await atomicWrite(this.p('nginx.conf'), conf);
  }

  /** The new route file in force: nginx started with it, or tested and reloaded; refused, the file as it was before. */
  private async applyOrUndo(file: string, before: string | null): Promise<void> {
    try {
      await this.nginxTest();
      const pid = await this.running();
      if (pid) process.kill(pid, 'SIGHUP');
      else await this.start();
    } catch (e) {
      if (before === null) await rm(file, { force: true });
      else await atomicWrite(file, before);
      throw e;
    }
  }

  private async nginxTest(): Promise<void> {
    try {
      await run(this.nginxBin, ['-t', '-q', ...this.nginxArgs], { env: { ...process.env } });
    } catch (e) {
      const why = String((e as { stderr?: string }).stderr ?? e).trim();
      throw new SiteNameError(`nginx -t refused the front door's configuration: ${why}`, { cause: e });
    }
  }

  private async start(): Promise<void> {
    const log = openSync(this.p('logs', 'nginx.out'), 'a');
    const child = spawn(this.nginxBin, this.nginxArgs, {
      env: { ...process.env },
      stdio: ['ignore', log, log],
      detached: true,
    });
    closeSync(log);
    child.on('error', () => undefined);
    child.unref();
    await this.waitPort(child);
  }

  private async waitPort(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        const why = await readFile(this.p('logs', 'nginx-error.log'), 'utf8').catch(() => '');
        throw new Error(`the front door's nginx exited before listening on ${this.s.port}: ${why.trim().slice(-500)}`);
      }
      const open = await new Promise<boolean>((resolve) => {
        const sock = connect(this.s.port, this.listen);
        sock.once('connect', () => (sock.destroy(), resolve(true)));
        sock.once('error', () => resolve(false));
      });
      if (open) return;
      if (Date.now() > deadline) throw new Error(`the front door's nginx did not listen on ${this.s.port} within 15 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The route nginx answers `hostname` with now (null: none; the default server's 404). */
  private liveRoute(hostname: string): Promise<string | null> {
    return new Promise((resolve) => {
      const req = request(
        { host: this.listen, port: this.s.port, path: routePath, method: 'GET', headers: { host: hostname } },
        (res) => {
          res.resume();
          const h = res.headers['x-cmp-route'];
          resolve(res.statusCode === 204 && typeof h === 'string' ? h : null);
        },
      );
      req.setTimeout(2000, () => req.destroy());
      req.once('error', () => resolve(null));
      req.end();
    });
  }

  /** Waits until nginx's workers answer `hostname` with `route` (a reload is asynchronous). */
  private async settle(hostname: string, route: string | null): Promise<void> {
    const deadline = Date.now() + (this.s.settleMs ?? 10_000);
    while ((await this.liveRoute(hostname)) !== route) {
      if (Date.now() > deadline)
        throw new Error(
          `the front door did not take ${hostname}'s new route within ${(this.s.settleMs ?? 10_000) / 1000} s`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function atomicWrite(file: string, text: string): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}
