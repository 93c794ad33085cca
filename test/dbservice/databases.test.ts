import { Writable } from 'node:stream';
import { createConnection, type Connection } from 'mysql2/promise';
import { createLogger } from '../../config/logger';
import { createDbServiceActivities } from '../../activities/dbservice/activities';
import { newBackup } from '../../activities/dbservice/service';
import { AuditEntry, TenantDatabase } from '../../domain/entities';
import { waitFor } from '../support/eventually';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { startTestDbService, type TestDbService } from './instance';

type Tenant = Awaited<ReturnType<TestPlatform['tenantUser']>>;
interface Created {
  id: string;
  name: string;
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
}

describe('database service: tenants’ MySQL databases on their own MariaDB instance', () => {
  let svc: TestDbService;
  let p: TestPlatform;
  let a: Tenant;
  let b: Tenant;
  const logLines: string[] = [];
  const open: Connection[] = [];
  const passwords: string[] = [];

  const connect = async (d: { host: string; port: number; username: string; password: string; database?: string }) => {
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
  const create = async (t: Tenant, name: string): Promise<Created> => {
    const r = await p.call('POST', '/api/v1/databases', { token: t.token, body: { name } });
    expect(r.status).toBe(201);
    passwords.push(r.body.password);
    return r.body;
  };

  beforeAll(async () => {
    svc = await startTestDbService();
    p = await startTestPlatform({
      queues: ['orchestration'],
      env: { DBSERVICE_URL: svc.adminUrl, DBSERVICE_BACKUP_DIR: svc.backupDir },
      activityDeps: { dbservice: svc.settings },
    });
    // Every log line the API writes, at the most verbose level, to look for secrets in.
    p.deps.logger = createLogger(
      'trace',
      'cmp',
      new Writable({
        write(chunk, _enc, done) {
          logLines.push(String(chunk));
          done();
        },
      }),
    );
    a = await p.tenantUser();
    b = await p.tenantUser();
  });

  afterAll(async () => {
    for (const c of open) await c.end().catch(() => undefined);
    await p?.close();
    await svc?.stop();
  });

  it('creates a database whose account reads and writes it, sees no other database and cannot reach one', async () => {
    const shop = await create(a, 'shop');
    const blog = await create(a, 'blog_db');
    expect(shop).toMatchObject({ name: 'shop', status: 'ready', host: '127.0.0.1', port: svc.port });
    expect(shop.password).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(shop.database).not.toBe(blog.database);

    const conn = await connect({ ...shop, database: shop.database });
    await conn.query('CREATE TABLE items (id INT PRIMARY KEY, label VARCHAR(40))');
    await conn.query("INSERT INTO items VALUES (1, 'one'), (2, 'two')");
    const [rows] = await conn.query('SELECT label FROM items ORDER BY id');
    expect((rows as Array<{ label: string }>).map((r) => r.label)).toEqual(['one', 'two']);

    const [dbs] = await conn.query('SHOW DATABASES');
    expect((dbs as Array<{ Database: string }>).map((d) => d.Database).sort()).toEqual(
      ['information_schema', shop.database].sort(),
    );
    await expect(conn.query(`SELECT * FROM \`${blog.database}\`.nothing`)).rejects.toMatchObject({
      code: 'ER_TABLEACCESS_DENIED_ERROR',
    });
    await expect(conn.query(`CREATE TABLE \`${blog.database}\`.x (id INT)`)).rejects.toThrow(/denied/);
    await expect(conn.query('SELECT user FROM mysql.user')).rejects.toThrow(/denied/);
    await expect(conn.query('CREATE DATABASE other_one')).rejects.toThrow(/denied/);
    await expect(connect({ ...shop, database: blog.database })).rejects.toMatchObject({
      code: 'ER_DBACCESS_DENIED_ERROR',
    });
  });

  it('lists and reads the tenant’s own databases with filters and pages, never with a password', async () => {
    const all = await p.call('GET', '/api/v1/databases', { token: a.token });
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(2);
    const page = await p.call('GET', '/api/v1/databases?limit=1&offset=1', { token: a.token });
    expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.body.items).toHaveLength(1);
    const named = await p.call('GET', '/api/v1/databases?name=shop&status=ready', { token: a.token });
    expect(named.body.items.map((d: Created) => d.name)).toEqual(['shop']);
    const one = await p.call('GET', `/api/v1/databases/${named.body.items[0].id}`, { token: a.token });
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty('password');
    expect((await p.call('GET', '/api/v1/databases?status=nope', { token: a.token })).status).toBe(422);
  });

  it('answers another tenant’s database as absent for every operation', async () => {
    const list = await p.call('GET', '/api/v1/databases?name=shop', { token: a.token });
    const id = list.body.items[0].id as string;
    expect((await p.call('GET', '/api/v1/databases', { token: b.token })).body.total).toBe(0);
    expect((await p.call('GET', `/api/v1/databases?tenantId=${a.tenantId}`, { token: b.token })).body.total).toBe(0);
    const tries = [
      p.call('GET', `/api/v1/databases/${id}`, { token: b.token }),
      p.call('POST', `/api/v1/databases/${id}/password`, { token: b.token }),
      p.call('POST', `/api/v1/databases/${id}/backups`, { token: b.token }),
      p.call('GET', `/api/v1/databases/${id}/backups`, { token: b.token }),
      p.call('POST', `/api/v1/databases/${id}/restore`, { token: b.token, body: { backupId: id } }),
      p.call('DELETE', `/api/v1/databases/${id}`, { token: b.token }),
      p.call('POST', '/api/v1/databases', { token: b.token, body: { name: 'sneak', tenantId: a.tenantId } }),
    ];
    for (const r of await Promise.all(tries)) expect(r.status).toBe(404);
    // Tenant B's own "shop" is another database on the server.
    const bShop = await create(b, 'shop');
    expect(bShop.database).not.toBe(list.body.items[0].database);
    expect((await p.call('GET', `/api/v1/databases/${id}`, { token: a.token })).status).toBe(200);
  });

  it('refuses bad names with 422 and a taken one with 409', async () => {
    const bad = [
      'Shop',
      '1shop',
      'shop-db',
      'a'.repeat(33),
      "x'; DROP DATABASE mysql; --",
      'x`y',
      'x.y',
      '',
      'sh op',
      'ß',
    ];
    for (const name of bad) {
      const r = await p.call('POST', '/api/v1/databases', { token: a.token, body: { name } });
      expect([name, r.status]).toEqual([name, 422]);
    }
    expect((await p.call('POST', '/api/v1/databases', { token: a.token, body: { name: 'shop' } })).status).toBe(409);
    const conn = await createConnection(svc.adminUrl);
    open.push(conn);
    const [dbs] = await conn.query('SHOW DATABASES');
    expect((dbs as Array<{ Database: string }>).some((d) => /drop|sneak/i.test(d.Database))).toBe(false);
  });

  it('changes the password: the new one logs in, the old one no longer does', async () => {
    const shop = (await p.call('GET', '/api/v1/databases?name=shop', { token: a.token })).body.items[0];
    const before = (await p.db.orm.em.fork().findOneOrFail(TenantDatabase, { id: shop.id })).credentials.password;
    const drawn = await p.call('POST', `/api/v1/databases/${shop.id}/password`, { token: a.token });
    expect(drawn.status).toBe(200);
    passwords.push(drawn.body.password);
    expect(drawn.body.password).not.toBe(before);
    await expect(connect({ ...shop, password: before })).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });
    await connect({ ...shop, password: drawn.body.password });

    const chosen = 'Chosen-Pass-2026!';
    passwords.push(chosen);
    const set = await p.call('POST', `/api/v1/databases/${shop.id}/password`, {
      token: a.token,
      body: { password: chosen },
    });
    expect(set.body.password).toBe(chosen);
    const conn = await connect({ ...shop, password: chosen, database: shop.database });
    await conn.query('SELECT 1');
    await expect(connect({ ...shop, password: drawn.body.password })).rejects.toMatchObject({
      code: 'ER_ACCESS_DENIED_ERROR',
    });
    const weak = await p.call('POST', `/api/v1/databases/${shop.id}/password`, {
      token: a.token,
      body: { password: 'short' },
    });
    expect(weak.status).toBe(422);
  });

  it('backs up now and restores: a row deleted after the backup comes back', async () => {
    const shop = (await p.call('GET', '/api/v1/databases?name=shop', { token: a.token })).body.items[0];
    const password = (await p.db.orm.em.fork().findOneOrFail(TenantDatabase, { id: shop.id })).credentials.password;
    const conn = await connect({ ...shop, password, database: shop.database });

    const started = await p.call('POST', `/api/v1/databases/${shop.id}/backups`, { token: a.token });
    expect(started.status).toBe(202);
    const backup = await waitFor(
      'the backup',
      async () =>
        (await p.call('GET', `/api/v1/databases/${shop.id}/backups/${started.body.id}`, { token: a.token })).body,
      (v) => v.status !== 'running',
    );
    expect(backup).toMatchObject({ status: 'ready', error: null });
    expect(backup.sizeBytes).toBeGreaterThan(0);
    const listed = await p.call('GET', `/api/v1/databases/${shop.id}/backups?status=ready`, { token: a.token });
    expect(listed.body.items.map((x: { id: string }) => x.id)).toEqual([backup.id]);

    await conn.query('DELETE FROM items WHERE id = 2');
    await conn.query('CREATE TABLE later (id INT)');
    await conn.end();

    const restoring = await p.call('POST', `/api/v1/databases/${shop.id}/restore`, {
      token: a.token,
      body: { backupId: backup.id },
    });
    expect(restoring.status).toBe(202);
    expect(restoring.body).toMatchObject({ status: 'restoring', restore: { backupId: backup.id, status: 'running' } });
    const again = await p.call('POST', `/api/v1/databases/${shop.id}/restore`, {
      token: a.token,
      body: { backupId: backup.id },
    });
    expect(again.status).toBe(409);
    const done = await waitFor(
      'the restore',
      async () => (await p.call('GET', `/api/v1/databases/${shop.id}`, { token: a.token })).body,
      (v) => v.status === 'ready',
    );
    expect(done.restore).toMatchObject({
      backupId: backup.id,
      status: 'done',
      bytesDone: backup.sizeBytes,
      bytesTotal: backup.sizeBytes,
    });

    const after = await connect({ ...shop, password, database: shop.database });
    const [rows] = await after.query('SELECT id, label FROM items ORDER BY id');
    expect(rows).toEqual([
      { id: 1, label: 'one' },
      { id: 2, label: 'two' },
    ]);
    const [tables] = await after.query('SHOW TABLES');
    expect((tables as object[]).map((t) => Object.values(t)[0])).toEqual(['items']);
  });

  it('a site’s activity (embedded-default settings) makes its database idempotently; deleting one drops it and its account', async () => {
    const acts = createDbServiceActivities(p.db.orm, svc.embeddedSettings);
    const first = await acts.createDatabase({ tenantId: b.tenantId, name: 'site_one' });
    const second = await acts.createDatabase({ tenantId: b.tenantId, name: 'site_one' });
    expect(second).toEqual(first);
    passwords.push(first.password);
    await (await connect({ ...first, username: first.username })).query('SELECT 1');

    const del = await p.call('DELETE', `/api/v1/databases/${first.databaseId}`, { token: b.token });
    expect(del.status).toBe(204);
    expect((await p.call('GET', `/api/v1/databases/${first.databaseId}`, { token: b.token })).status).toBe(404);
    // The account is gone (MariaDB answers an unknown account as denied, with or without the password).
    await expect(connect(first)).rejects.toThrow(/Access denied/);
    const admin = await createConnection(svc.adminUrl);
    open.push(admin);
    const [dbs] = await admin.query('SHOW DATABASES LIKE ?', [first.database]);
    expect(dbs).toEqual([]);
    await acts.dropDatabase({ tenantId: b.tenantId, databaseId: first.databaseId });
  });

  it('grants by exact name: `_` in a name is no wildcard reaching a look-alike database', async () => {
    const c = await p.tenantUser();
    const under = await create(c, 'a_b');
    const alike = await create(c, 'axb');
    const conn = await connect({ ...under, database: under.database });
    await conn.query('CREATE TABLE t (id INT)');
    await expect(conn.query(`CREATE TABLE \`${alike.database}\`.t (id INT)`)).rejects.toThrow(/denied/);
    await expect(connect({ ...under, database: alike.database })).rejects.toMatchObject({
      code: 'ER_DBACCESS_DENIED_ERROR',
    });
    const [grants] = await conn.query('SHOW GRANTS');
    expect(JSON.stringify(grants)).toContain(under.database.replace(/_/g, '\\\\_'));
  });

  it('settles a backup and a restore whose workflow is gone as failed when they are read', async () => {
    const shop = (await p.call('GET', '/api/v1/databases?name=shop', { token: a.token })).body.items[0];
    const em = p.db.orm.em.fork();
    const db = await em.findOneOrFail(TenantDatabase, { id: shop.id });
    // Both began two minutes ago and no workflow runs them (the database's last restore workflow has ended).
    const began = new Date(Date.now() - 120_000);
    const orphan = Object.assign(newBackup(db), { createdAt: began });
    db.status = 'restoring';
    db.restore = {
      backupId: orphan.id,
      status: 'running',
      bytesDone: 0,
      bytesTotal: 1,
      startedAt: began.toISOString(),
    };
    await em.persistAndFlush(orphan);
    const backup = await p.call('GET', `/api/v1/databases/${shop.id}/backups/${orphan.id}`, { token: a.token });
    expect(backup.body).toMatchObject({ status: 'failed', error: expect.stringMatching(/lost/) });
    const read = await p.call('GET', `/api/v1/databases/${shop.id}`, { token: a.token });
    expect(read.body).toMatchObject({ status: 'ready', restore: { backupId: orphan.id, status: 'failed' } });
  });

  it('keeps passwords out of answers after creation, out of the logs and the audit trail, and sealed in the database', async () => {
    expect(passwords.length).toBeGreaterThanOrEqual(5);
    const answers = [
      await p.call('GET', '/api/v1/databases', { token: a.token }),
      await p.call('GET', '/api/v1/databases', { token: b.token }),
      ...(await p.call('GET', '/api/v1/databases', { token: a.token })).body.items.map((d: { id: string }) =>
        p.call('GET', `/api/v1/databases/${d.id}`, { token: a.token }),
      ),
    ];
    const text = JSON.stringify(await Promise.all(answers));
    const rows = await p.db.orm.em.getConnection().execute('SELECT * FROM tenant_databases');
    const stored = JSON.stringify(rows);
    expect(stored).toContain('sealed:v1:');
    const audit = JSON.stringify(await p.db.orm.em.fork().find(AuditEntry, {}));
    expect(audit).toContain('database.password');
    expect(logLines.length).toBeGreaterThan(0);
    for (const pw of passwords) {
      expect(text).not.toContain(pw);
      expect(stored).not.toContain(pw);
      expect(audit).not.toContain(pw);
      expect(logLines.join('')).not.toContain(pw);
    }
  });
});
