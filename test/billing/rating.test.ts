import { meterResourceIds } from '../../domain/db/usage-meter';
import { Bill, BillLine, Charge, CloudResource, PricePlan } from '../../domain/entities';
import { hourMs, periodOf } from '../../domain/billing/period';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { delivered, product, rate, setBillingPeriod } from './support';

/** Rating on real Temporal with the suite's orchestration worker; usage backdated into past periods. */
describe('rating usage into charges and bills (Temporal workflow, daily periods by the pricePlanPeriod setting)', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    // BILLING_PERIOD says monthly; the operators' setting (daily) is what billing goes by.
    p = await startTestPlatform({ queues: ['orchestration'], env: { BILLING_PERIOD: 'monthly' } });
    await setBillingPeriod(p.db.orm, 'daily');
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  // Three whole days back from today's start: day0, day1, day2 are past periods.
  const today = periodOf(new Date(), 'daily').start.getTime();
  const day = (n: number) => new Date(today - (3 - n) * 24 * hourMs);

  it('charges each interval once per hour, fixes the price per period and applies a change from the next period', async () => {
    const em = p.db.orm.em.fork();
    const fip = await product(p.db.orm, 'floating_ip', 1, 720);
    // Running since 06:00 of day0.
    const r = await delivered(p.db.orm, 'tenant-rate', 'floating_ip', new Date(day(0).getTime() + 6 * hourMs), {
      productId: fip.id,
    });
    const first = await rate(p, { until: new Date(day(0).getTime() + 12 * hourMs).toISOString() });
    expect(first.charges).toBe(6);
    // A plan made mid-day0 applies from day1 (the next period); the catalog price changes too, but day0 is fixed.
    em.persist(
      Object.assign(new PricePlan(), { productId: fip.id, effectiveFrom: day(1), hourlyPrice: 2, monthlyPrice: 1440 }),
    );
    fip.hourlyPrice = 5;
    await em.upsert(fip);
    await em.flush();
    const again = await rate(p, { until: day(2).toISOString() });
    expect(again.charges).toBe(12 + 24);
    // A repeated run over the same hours adds nothing.
    expect((await rate(p, { until: day(2).toISOString() })).charges).toBe(0);

    const charges = await p.db.orm.em.fork().find(Charge, { resourceId: r.id }, { orderBy: { hourStart: 'asc' } });
    expect(charges.length).toBe(18 + 24);
    expect(new Set(charges.map((c) => c.hourStart.getTime())).size).toBe(charges.length);
    expect(charges.filter((c) => c.hourStart < day(1)).every((c) => c.unitPrice === 1 && c.amount === 1)).toBe(true);
    expect(charges.filter((c) => c.hourStart >= day(1)).every((c) => c.unitPrice === 2 && c.amount === 2)).toBe(true);

    const bills = await p.db.orm.em.fork().find(Bill, { tenantId: 'tenant-rate' }, { orderBy: { periodStart: 'asc' } });
    expect(bills.map((b) => [b.periodStart.getTime(), b.status, b.usageTotal])).toEqual([
      [day(0).getTime(), 'closed', 18],
      [day(1).getTime(), 'closed', 48],
    ]);
  }, 120_000);

  it('a backfill after a price correction adds adjustment lines and leaves the closed bill as it was', async () => {
    const vol = await product(p.db.orm, 'volume', 0.01, 7.2);
    const r = await delivered(p.db.orm, 'tenant-fix', 'volume', day(0), { productId: vol.id, spec: { sizeGb: 100 } });
    await rate(p, { until: day(2).toISOString() });
    const em = p.db.orm.em.fork();
    const before = await em.findOneOrFail(Bill, { tenantId: 'tenant-fix', periodStart: day(1) });
    const usageBefore = await em.find(BillLine, { billId: before.id }, { orderBy: { resourceId: 'asc' } });
    expect(before.status).toBe('closed');
    expect(before.usageTotal).toBe(24);

    // The day1 price was wrong: a correction (a later revision from day1) and a backfill of day1.
    em.persist(
      Object.assign(new PricePlan(), {
        productId: vol.id,
        effectiveFrom: day(1),
        revision: 2,
        hourlyPrice: 0.015,
        monthlyPrice: 10.8,
      }),
    );
    await em.flush();
    const backfill = await rate(p, { backfill: { periodStart: day(1).toISOString() } });
    expect(backfill.adjustments).toBe(1);

    const after = await p.db.orm.em.fork().findOneOrFail(Bill, { id: before.id });
    expect([after.status, after.usageTotal, after.closedAt?.getTime()]).toEqual([
      'closed',
      24,
      before.closedAt?.getTime(),
    ]);
    expect(after.adjustmentTotal).toBe(12);
    const lines = await p.db.orm.em.fork().find(BillLine, { billId: before.id });
    expect(lines.filter((l) => l.kind === 'usage').map((l) => [l.resourceId, l.amount])).toEqual(
      usageBefore.map((l) => [l.resourceId, l.amount]),
    );
    expect(lines.filter((l) => l.kind === 'adjustment').map((l) => [l.resourceId, l.amount])).toEqual([[r.id, 12]]);
    // Day0's bill is another period: untouched.
    const day0 = await p.db.orm.em.fork().findOneOrFail(Bill, { tenantId: 'tenant-fix', periodStart: day(0) });
    expect(day0.adjustmentTotal).toBe(0);
  }, 120_000);

  it('re-rates the hours a late event reaches, and does not charge a stopped server its product says is free when stopped', async () => {
    const flavor = await product(p.db.orm, 'flavor', 0.5, 360);
    const em = p.db.orm.em.fork();
    em.persist(
      Object.assign(new PricePlan(), {
        productId: flavor.id,
        effectiveFrom: day(0),
        hourlyPrice: 0.5,
        monthlyPrice: 360,
        chargeStopped: false,
      }),
    );
    await em.flush();
    const stopped = await delivered(p.db.orm, 'tenant-late', 'server', day(0), {
      productId: flavor.id,
      osStatus: 'SHUTOFF',
    });
    const running = await delivered(p.db.orm, 'tenant-late', 'server', day(0), { productId: flavor.id });
    await rate(p, { until: day(2).toISOString() });
    const charges = (resourceId: string) =>
      p.db.orm.em.fork().find(Charge, { resourceId }, { orderBy: { hourStart: 'asc' } });
    expect((await charges(stopped.id)).every((c) => c.amount === 0)).toBe(true);
    expect((await charges(running.id)).length).toBe(48);

    // The deletion (at 10:30 of day1) reaches the records late, behind the unit of work: the next run goes back to it.
    const goneAt = new Date(day(1).getTime() + 10.5 * hourMs);
    await p.db.orm.em
      .fork()
      .nativeUpdate(CloudResource, { id: running.id }, { status: 'deleted', deletedAt: goneAt, updatedAt: goneAt });
    expect(await meterResourceIds(p.db.orm.em, [running.id])).toBe(1);
    await rate(p, { until: day(2).toISOString() });
    const after = await charges(running.id);
    expect(after.length).toBe(24 + 11);
    expect(after[after.length - 1]).toMatchObject({
      hourStart: new Date(day(1).getTime() + 10 * hourMs),
      seconds: 1800,
      amount: 0.25,
    });
  }, 120_000);

  it('a change of the pricePlanPeriod setting applies from the next month not yet rated; rated months keep their periods', async () => {
    await setBillingPeriod(p.db.orm, 'monthly');
    // A month before anything the suite rated: an address held there for a day.
    const month = periodOf(new Date(periodOf(day(0), 'monthly').start.getTime() - 1), 'monthly');
    const fip = await product(p.db.orm, 'floating_ip', 1);
    const held = await delivered(
      p.db.orm,
      'tenant-switch',
      'floating_ip',
      new Date(month.start.getTime() + 24 * hourMs),
      {
        productId: fip.id,
      },
    );
    const goneAt = new Date(month.start.getTime() + 48 * hourMs);
    await p.db.orm.em
      .fork()
      .nativeUpdate(CloudResource, { id: held.id }, { status: 'deleted', deletedAt: goneAt, updatedAt: goneAt });
    await meterResourceIds(p.db.orm.em, [held.id]);
    await rate(p, { until: day(2).toISOString() });

    const em = p.db.orm.em.fork();
    const old = await em.find(Bill, { tenantId: 'tenant-switch' });
    expect(
      old.map((b) => [b.periodKind, b.periodStart.getTime(), b.periodEnd.getTime(), b.status, b.usageTotal]),
    ).toEqual([['monthly', month.start.getTime(), month.end.getTime(), 'closed', 24]]);
    expect(new Set((await em.find(Charge, { resourceId: held.id })).map((c) => c.periodStart.getTime()))).toEqual(
      new Set([month.start.getTime()]),
    );
    // The days rated daily stay daily bills: nothing moved into a monthly one.
    const kept = await em.find(Bill, { tenantId: 'tenant-rate' }, { orderBy: { periodStart: 'asc' } });
    expect(kept.map((b) => [b.periodKind, b.periodStart.getTime(), b.usageTotal])).toEqual([
      ['daily', day(0).getTime(), 18],
      ['daily', day(1).getTime(), 48],
    ]);
  }, 120_000);
});
