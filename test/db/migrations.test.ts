import { AuditEntry, Tenant, User } from '../../domain/entities';
import { createTestDatabase, databaseKind, type TestDatabase } from '../support/db';

describe(`checked-in migrations on ${databaseKind()}`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('leave nothing pending and create every entity column', async () => {
    const migrator = db.orm.getMigrator();
    expect(await migrator.getPendingMigrations()).toEqual([]);
    // Every column of every entity exists in the migrated schema: selecting them all must succeed.
    const conn = db.orm.em.getConnection();
    for (const meta of Object.values(db.orm.getMetadata().getAll())) {
      const cols = meta.props.flatMap((p) => p.fieldNames ?? []);
      expect(cols.length).toBeGreaterThan(0);
      await expect(
        conn.execute(`select ${cols.map((c) => `\`${c}\``).join(', ')} from \`${meta.tableName}\` limit 0`),
      ).resolves.toBeDefined();
    }
  });

  it('round-trip entities with dates and JSON', async () => {
    const em = db.orm.em.fork();
    const tenant = Object.assign(new Tenant(), { name: 'acme', status: 'active' as const });
    const user = Object.assign(new User(), {
      email: 'a@acme.test',
      displayName: 'A',
      passwordHash: 'x',
      tenantId: tenant.id,
      permissions: ['audit:read'],
    });
    const entry = Object.assign(new AuditEntry(), { action: 'test', result: 'success' as const, details: { n: 1 } });
    em.persist([tenant, user, entry]);
    await em.flush();
    const again = db.orm.em.fork();
    const u = await again.findOneOrFail(User, { email: 'a@acme.test' });
    expect(u.permissions).toEqual(['audit:read']);
    expect(u.createdAt).toBeInstanceOf(Date);
    // Milliseconds and UTC survive the round trip on both databases.
    expect(u.createdAt.getTime()).toBe(user.createdAt.getTime());
    const a = await again.findOneOrFail(AuditEntry, { action: 'test' });
    expect(a.details).toEqual({ n: 1 });
    expect(a.id).toBeGreaterThan(0);
  });

  it('refuse a duplicate tenant name', async () => {
    const em = db.orm.em.fork();
    em.persist(Object.assign(new Tenant(), { name: 'dup' }));
    await em.flush();
    const em2 = db.orm.em.fork();
    em2.persist(Object.assign(new Tenant(), { name: 'dup' }));
    await expect(em2.flush()).rejects.toThrow();
  });
});
