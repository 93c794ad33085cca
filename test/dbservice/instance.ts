import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { embeddedAdminUser, type DbServiceSettings } from '../../activities/dbservice/settings';
import { closeAdminPools } from '../../activities/dbservice/server';
import { stopProcess } from '../../scripts/lib/children';
import { startEmbeddedDbService } from '../../scripts/lib/embedded-dbservice';
import { freePort } from '../support/free-port';

export interface TestDbService {
  port: number;
  /** The admin account URL (what DBSERVICE_URL would hold in production). */
  adminUrl: string;
  settings: DbServiceSettings;
  /** The same server as the embedded default finds it: the admin password read from its data directory. */
  embeddedSettings: DbServiceSettings;
  backupDir: string;
  stop(): Promise<void>;
}

/** The database service's own MariaDB for one suite: a fresh data directory, a free loopback port. */
export async function startTestDbService(): Promise<TestDbService> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cmp-dbsvc-'));
  const backupDir = path.join(dir, 'backups');
  const port = await freePort();
  let proc: ChildProcess | undefined;
  try {
    proc = await startEmbeddedDbService(path.join(dir, 'server'), port, { quiet: true });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const password = readFileSync(path.join(dir, 'server', 'admin-password'), 'utf8').trim();
  const adminUrl = `mysql://${embeddedAdminUser}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  return {
    port,
    adminUrl,
    backupDir,
    settings: { admin: { url: adminUrl }, userHost: '%', backupDir },
    embeddedSettings: { admin: { embeddedDir: path.join(dir, 'server'), port }, userHost: '%', backupDir },
    async stop() {
      await closeAdminPools();
      if (proc) await stopProcess(proc, 20_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
