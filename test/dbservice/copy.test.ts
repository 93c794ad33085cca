import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { createDbServiceActivities, type DatabaseCredentials } from '../../activities/dbservice/activities';
import { dumpDatabase, loadDump } from '../../activities/dbservice/dump';
import { adminAccount } from '../../activities/dbservice/settings';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startTestDbService, type TestDbService } from './instance';

describe('database service: copyDatabase (a migration’s data, mysqldump streamed into mysql)', () => {
  let svc: TestDbService;
  let db: TestDatabase;
  let acts: ReturnType<typeof createDbServiceActivities>;
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  let from: DatabaseCredentials;
  let to: DatabaseCredentials;
  const open: Connection[] = [];

  const connect = async (d: DatabaseCredentials) => {
    const conn = await createConnection({
      host: d.host,
      port: d.port,
      user: d.username,
      password: d.password,
      database: d.database,
    });
    open.push(conn);
    return conn;
  };
  const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
  const copy = (input: { tenantId: string; fromName: string; toName: string }): Promise<{ bytes: number }> =>
    new MockActivityEnvironment({}, { logger: quiet }).run(acts.copyDatabase, input);

  beforeAll(async () => {
    svc = await startTestDbService();
    db = await createTestDatabase();
    acts = createDbServiceActivities(db.orm, svc.settings);
    from = await acts.createDatabase({ tenantId: tenantA, name: 'shop' });
    to = await acts.createDatabase({ tenantId: tenantA, name: 'shop_dedicated' });
    await acts.createDatabase({ tenantId: tenantB, name: 'other' });
  });

  afterAll(async () => {
    for (const c of open) await c.end().catch(() => undefined);
    await db?.drop();
    await svc?.stop();
  });

  it('copies a row of A into B; a second copy leaves exactly one; B’s own account reads it', async () => {
    const a = await connect(from);
    await a.query('CREATE TABLE orders (id INT PRIMARY KEY, item VARCHAR(40))');
    await a.query("INSERT INTO orders VALUES (1, 'written before the migration')");
    const b = await connect(to);
    // A table only B had is gone after the copy: B's tables are replaced.
    await b.query('CREATE TABLE leftover (id INT)');

    const first = await copy({ tenantId: tenantA, fromName: 'shop', toName: 'shop_dedicated' });
    expect(first.bytes).toBeGreaterThan(0);
    const read = async () => {
      const conn = await connect(to);
      const [rows] = await conn.query<RowDataPacket[]>('SELECT id, item FROM orders ORDER BY id');
      const [tables] = await conn.query<RowDataPacket[]>('SHOW TABLES');
      return { rows: rows.map((r) => ({ ...r })), tables: tables.map((t) => Object.values(t)[0]) };
    };
    expect(await read()).toEqual({ rows: [{ id: 1, item: 'written before the migration' }], tables: ['orders'] });

    await copy({ tenantId: tenantA, fromName: 'shop', toName: 'shop_dedicated' });
    expect(await read()).toEqual({ rows: [{ id: 1, item: 'written before the migration' }], tables: ['orders'] });
    // The source is untouched.
    const [src] = await a.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM orders');
    expect(Number(src[0].n)).toBe(1);
  });

  it('the dump to a file and its load (sharing the copy’s mysqldump and mysql) still round-trip', async () => {
    const file = path.join(svc.backupDir, 'roundtrip.sql.gz');
    mkdirSync(svc.backupDir, { recursive: true });
    expect(await dumpDatabase(adminAccount(svc.settings), from.database, file)).toBeGreaterThan(0);
    const b = await connect(to);
    await b.query('DROP TABLE orders');
    await loadDump(adminAccount(svc.settings), to.database, file);
    const [rows] = await b.query<RowDataPacket[]>('SELECT item FROM orders');
    expect(rows.map((r) => r.item)).toEqual(['written before the migration']);
  });

  it('refuses, for good, a database of another tenant, an unknown name, and a copy onto itself', async () => {
    for (const input of [
      { tenantId: tenantA, fromName: 'other', toName: 'shop_dedicated' },
      { tenantId: tenantA, fromName: 'shop', toName: 'other' },
      { tenantId: tenantB, fromName: 'shop', toName: 'other' },
      { tenantId: tenantA, fromName: 'shop', toName: 'nothing_here' },
      { tenantId: tenantA, fromName: 'shop', toName: 'shop' },
    ]) {
      const err = await copy(input).catch((e) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect(err).toMatchObject({ nonRetryable: true, type: 'CopyRefused' });
    }
  });

  it('puts no password on a command line: mysqldump and mysql read an option file', async () => {
    // Rows enough for the copy to last while ps looks.
    const a = await connect(from);
    await a.query('CREATE TABLE bulk (id INT PRIMARY KEY, pad CHAR(200))');
    await a.query("INSERT INTO bulk SELECT seq, REPEAT('x', 200) FROM seq_1_to_50000");
    // The processes' command lines while a copy runs (ps sees every process's arguments).
    const { execFileSync } = await import('node:child_process');
    const seen: string[] = [];
    const watch = setInterval(() => {
      try {
        seen.push(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }));
      } catch {
        // ps raced a process's exit
      }
    }, 5);
    try {
      await copy({ tenantId: tenantA, fromName: 'shop', toName: 'shop_dedicated' });
    } finally {
      clearInterval(watch);
    }
    const admin = decodeURIComponent(new URL(svc.adminUrl).password);
    const all = seen.join('\n');
    expect(all).toMatch(/mariadb-dump|mysqldump/);
    expect(all).toMatch(/--defaults-extra-file=/);
    for (const secret of [admin, from.password, to.password]) expect(all).not.toContain(secret);
  });
});
