import { spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  createReadStream,
  createWriteStream,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { assertPhysicalDatabase } from '../../domain/dbservice/names';
import type { AdminAccount } from './settings';

/** The first of `names` found on PATH (MariaDB's own names first, MySQL's compatibility links second). */
function binary(names: string[]): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/bin', '/usr/local/bin'])) {
    for (const n of names) {
      const file = path.join(dir, n);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        /* next */
      }
    }
  }
  throw new Error(`none of ${names.join(', ')} is installed (Debian's mariadb-client)`);
}

/** An option file holding the admin account (mode 600, removed after use): the password is never on a command line. */
function withOptionFile<T>(a: AdminAccount, run: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cmp-dbsvc-'));
  const file = path.join(dir, 'client.cnf');
  const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  writeFileSync(
    file,
    `[client]\nuser=${quote(a.user)}\npassword=${quote(a.password)}\nhost=${quote(a.host)}\nport=${a.port}\nprotocol=TCP\n`,
    { mode: 0o600 },
  );
  return run(file).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** Counts bytes passing through, reporting them to `progress`. */
function counter(progress: (bytes: number) => void): Transform {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      n += chunk.length;
      progress(n);
      done(null, chunk);
    },
  });
}

function waitExit(proc: ReturnType<typeof spawn>, what: string, stderr: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('close', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`${what} failed (${signal ?? `exit ${code}`}): ${stderr().trim().slice(-500)}`)),
    );
  });
}

/** `mysqldump` of one database (consistent without locking, with its routines and triggers) on its stdout. */
function spawnDump(cnf: string, name: string) {
  const proc = spawn(
    binary(['mariadb-dump', 'mysqldump']),
    [
      `--defaults-extra-file=${cnf}`,
      '--single-transaction',
      '--routines',
      '--triggers',
      '--no-tablespaces',
      '--skip-lock-tables',
      '--',
      name,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  proc.stderr!.on('data', (d) => (err = (err + String(d)).slice(-4000)));
  return { proc, exited: waitExit(proc, 'mysqldump', () => err) };
}

/** The `mysql` client loading its stdin into one database. */
function spawnLoad(cnf: string, name: string) {
  const proc = spawn(binary(['mariadb', 'mysql']), [`--defaults-extra-file=${cnf}`, `--database=${name}`], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d) => (err = (err + String(d)).slice(-4000)));
  return { proc, exited: waitExit(proc, 'mysql', () => err) };
}

/**
 * `mysqldump` of one database, gzipped into `file` (written beside it first, then renamed: a file that
 * exists is whole). `progress` is told the compressed bytes written so far. Answers the file's size.
 */
export async function dumpDatabase(
  a: AdminAccount,
  dbName: string,
  file: string,
  progress: (bytes: number) => void = () => undefined,
): Promise<number> {
  const name = assertPhysicalDatabase(dbName);
  const part = `${file}.part`;
  await withOptionFile(a, async (cnf) => {
    const { proc, exited } = spawnDump(cnf, name);
    try {
      await Promise.all([pipeline(proc.stdout!, createGzip(), counter(progress), createWriteStream(part)), exited]);
    } catch (e) {
      proc.kill('SIGKILL');
      rmSync(part, { force: true });
      throw e;
    }
  });
  await rename(part, file);
  return statSync(file).size;
}

/** Loads a gzipped dump into `dbName` with the `mysql` client; `progress` is told the file's bytes read so far. */
export async function loadDump(
  a: AdminAccount,
  dbName: string,
  file: string,
  progress: (bytes: number) => void = () => undefined,
): Promise<void> {
  const name = assertPhysicalDatabase(dbName);
  await withOptionFile(a, async (cnf) => {
    const { proc, exited } = spawnLoad(cnf, name);
    try {
      await Promise.all([pipeline(createReadStream(file), counter(progress), createGunzip(), proc.stdin!), exited]);
    } catch (e) {
      proc.kill('SIGKILL');
      throw e;
    }
  });
}

/**
 * `mysqldump` of database `from` streamed into `mysql` on database `to` (same server, no file in between); `progress`
 * is told the bytes copied so far. `to` should be empty (the dump drops and makes each of its tables again).
 */
export async function copyDatabaseData(
  a: AdminAccount,
  from: string,
  to: string,
  progress: (bytes: number) => void = () => undefined,
): Promise<void> {
  const source = assertPhysicalDatabase(from);
  const target = assertPhysicalDatabase(to);
  await withOptionFile(a, async (cnf) => {
    const dump = spawnDump(cnf, source);
    const load = spawnLoad(cnf, target);
    try {
      await Promise.all([pipeline(dump.proc.stdout!, counter(progress), load.proc.stdin!), dump.exited, load.exited]);
    } catch (e) {
      dump.proc.kill('SIGKILL');
      load.proc.kill('SIGKILL');
      throw e;
    }
  });
}
