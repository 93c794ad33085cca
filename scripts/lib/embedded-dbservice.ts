import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { adminAccount } from '../../activities/dbservice/settings';
import { prefixLines, whenReady } from './children';
import { projectRoot } from './temporal-cli';

/** Resolves once the administrator of the instance in `dir` logs in over TCP (the init file has run). */
async function adminAnswers(dir: string, port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const a = adminAccount({ admin: { embeddedDir: dir, port }, userHost: '%', backupDir: dir });
      const conn = await createConnection({ host: a.host, port: a.port, user: a.user, password: a.password });
      await conn.end();
      return;
    } catch (e) {
      if (Date.now() > until)
        throw new Error(`the database service's MariaDB did not answer on port ${port}: ${(e as Error).message}`, {
          cause: e,
        });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * The database service's embedded MariaDB (scripts/dbservice-mariadb.sh run: the script execs mariadbd, so the
 * returned process is the server itself), data in `dir`, on 127.0.0.1:`port`; resolves once its admin logs in.
 */
export function startEmbeddedDbService(
  dir: string,
  port: number,
  opts: { env?: NodeJS.ProcessEnv; quiet?: boolean; timeoutMs?: number } = {},
): Promise<ChildProcess> {
  const proc = spawn('bash', [path.join(projectRoot, 'scripts', 'dbservice-mariadb.sh'), 'run'], {
    env: { ...process.env, ...opts.env, DBSERVICE_DIR: dir, DBSERVICE_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (!opts.quiet) {
    prefixLines('dbservice', proc.stdout, process.stdout);
    prefixLines('dbservice', proc.stderr, process.stderr);
  } else {
    proc.stdout?.resume();
    proc.stderr?.resume();
  }
  return whenReady(proc, () => adminAnswers(dir, port, opts.timeoutMs ?? 90_000));
}

/** Is Debian's mariadb-server installed (scripts/install.sh installs it)? */
export function dbServiceServerInstalled(): boolean {
  return spawnSync('bash', ['-c', 'command -v mariadbd || command -v mysqld'], { stdio: 'ignore' }).status === 0;
}
