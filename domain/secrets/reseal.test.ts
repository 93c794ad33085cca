import { OrderItem } from '../../domain/entities';
import { createTestDatabase, type TestDatabase } from '../../test/support/db';
import { processKeyring, useProcessKeyring } from './config-keys';
import { newKeySpec, parseKeyring } from './keyring';
import { resealRow, resealStoredSecrets, sealedColumns } from './reseal';
import { sealSecrets } from './sealed-json-type';

describe('resealing stored secrets', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  const raw = async (id: string) =>
    JSON.stringify(await db.orm.em.getConnection().execute(`select spec from order_items where id = '${id}'`));
  const insert = async (id: string, spec: unknown) =>
    db.orm.em
      .getConnection()
      .execute(
        `insert into order_items (id, order_id, position, kind, spec, product_ids, hourly_price, monthly_price, status, resources, created_at, updated_at) values (?, ?, 0, 'server', ?, '[]', 0, 0, 'pending', '{}', ?, ?)`,
        [id, crypto.randomUUID(), JSON.stringify(spec), new Date(), new Date()],
      );

  it('seals secrets stored in clear, and those sealed with an older key, once', async () => {
    const plain = crypto.randomUUID();
    await insert(plain, { name: 'vm', adminPass: 'Old-plain-Pass-1' });
    const old = parseKeyring(newKeySpec('retired'));
    const stale = crypto.randomUUID();
    await insert(stale, sealSecrets({ name: 'vm2', adminPass: 'Old-sealed-Pass-2' }, old));
    const untouched = crypto.randomUUID();
    await insert(untouched, { name: 'vm3' });
    expect(await raw(plain)).toContain('Old-plain-Pass-1');

    // A rotation: the retired key is still configured after the current one, so its data opens and is sealed anew.
    const before = processKeyring();
    useProcessKeyring({ current: before.current, keys: new Map([...before.keys, ...old.keys]) });
    try {
      expect(await resealStoredSecrets(db.orm)).toBe(2);
      expect(await resealStoredSecrets(db.orm)).toBe(0);
    } finally {
      useProcessKeyring(before);
    }
    expect(await raw(plain)).not.toContain('Old-plain-Pass-1');
    expect(await raw(stale)).not.toContain('sealed:v1:retired:');
    const em = db.orm.em.fork();
    expect((await em.findOneOrFail(OrderItem, { id: plain })).spec).toMatchObject({ adminPass: 'Old-plain-Pass-1' });
    expect((await em.findOneOrFail(OrderItem, { id: stale })).spec).toMatchObject({ adminPass: 'Old-sealed-Pass-2' });
    expect((await em.findOneOrFail(OrderItem, { id: untouched })).spec).toEqual({ name: 'vm3' });
  });
});

describe('the sealed columns a rotation rewrites', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it("are every SealedJsonType property of every entity, the services' passwords included", () => {
    const columns = Object.fromEntries(sealedColumns(db.orm).map(([entity, props]) => [String(entity), props]));
    expect(columns).toMatchObject({
      OrderItem: ['spec'],
      CloudResource: expect.arrayContaining(['spec', 'attributes']),
      TenantDatabase: ['credentials'],
      SiteFtpAccount: ['credentials'],
    });
  });
});

describe('resealing a row written concurrently', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it('never overwrites a write that landed after the row was read, and seals what it finds then', async () => {
    const old = parseKeyring(newKeySpec('rotated'));
    const id = crypto.randomUUID();
    await db.orm.em
      .getConnection()
      .execute(
        `insert into order_items (id, order_id, position, kind, spec, product_ids, hourly_price, monthly_price, status, resources, created_at, updated_at) values (?, ?, 0, 'server', ?, '[]', 0, 0, 'pending', '{}', ?, ?)`,
        [
          id,
          crypto.randomUUID(),
          JSON.stringify(sealSecrets({ name: 'vm', adminPass: 'Before-Pass-1' }, old)),
          new Date(),
          new Date(),
        ],
      );
    const before = processKeyring();
    // The rotation again, with a second retired key that the concurrent writer still seals with.
    const other = parseKeyring(newKeySpec('other'));
    useProcessKeyring({ current: before.current, keys: new Map([...before.keys, ...old.keys, ...other.keys]) });
    try {
      const em = db.orm.em.fork();
      const stale = (await em.getConnection().execute(`select id, spec from order_items where id = ?`, [id]))[0];
      // Another writer changes the row between the reseal's read and its update.
      const written = JSON.stringify(sealSecrets({ name: 'vm-renamed', adminPass: 'Concurrent-Pass-2' }, other));
      await em.getConnection().execute(`update order_items set spec = ? where id = ?`, [written, id]);

      expect(await resealRow(em, OrderItem, ['spec'], stale)).toBe(true);
      const spec = (await db.orm.em.fork().findOneOrFail(OrderItem, { id })).spec;
      expect(spec).toMatchObject({ name: 'vm-renamed', adminPass: 'Concurrent-Pass-2' });
      const raw = JSON.stringify(await em.getConnection().execute(`select spec from order_items where id = ?`, [id]));
      expect(raw).toContain(`sealed:v1:${before.current}:`);
      expect(raw).not.toContain('sealed:v1:other:');
      // The stale read again: the row needs nothing any more, so nothing is written.
      expect(await resealRow(em, OrderItem, ['spec'], stale)).toBe(false);
      expect((await db.orm.em.fork().findOneOrFail(OrderItem, { id })).spec).toMatchObject({ name: 'vm-renamed' });
    } finally {
      useProcessKeyring(before);
    }
  });
});
