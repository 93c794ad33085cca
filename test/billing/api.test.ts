import { createResourceRecordActivities } from '../../activities/db/resources';
import { nextPeriod, periodOf } from '../../domain/billing/period';
import { ensureRatingSchedule, ratingScheduleIdFor } from '../../api/services/rating-schedule';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { waitFor } from '../support/eventually';
import { delivered, product } from './support';

describe('billing API: usage, charges, bills, price plans, runs (real Temporal, monthly periods)', () => {
  let p: TestPlatform;
  let admin: string;
  beforeAll(async () => {
    p = await startTestPlatform({ queues: ['orchestration'], env: { RATING_INTERVAL_MINUTES: '0' } });
    admin = await p.adminToken();
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  it("shows a tenant his usage at once, his bills, and answers another tenant's bill with 404", async () => {
    const a = await p.tenantUser();
    const b = await p.tenantUser();
    const fip = await product(p.db.orm, 'floating_ip', 0.5);
    const lastMonth = periodOf(new Date(periodOf(new Date(), 'monthly').start.getTime() - 1), 'monthly');
    await delivered(p.db.orm, a.tenantId, 'floating_ip', lastMonth.start, { productId: fip.id });
    const mine = await delivered(p.db.orm, b.tenantId, 'floating_ip', new Date(), { productId: fip.id });
    // Deleting through the record activity is visible in the tenant's usage right away.
    await createResourceRecordActivities(p.db.orm).markResourceDeleted({ resourceId: mine.id });
    const usage = await p.call('GET', '/api/v1/billing/usage', { token: b.token });
    expect(usage.status).toBe(200);
    expect(usage.body.items.map((i: any) => [i.resourceId, i.startEvent, i.endEvent])).toEqual([
      [mine.id, 'delivered', 'deleted'],
    ]);

    // Rating hours that have not passed would charge them and close this period's bills early.
    const ahead = new Date(Date.now() + 40 * 24 * 3_600_000).toISOString();
    const future = await p.call('POST', '/api/v1/billing/rating-runs', { token: admin, body: { until: ahead } });
    expect([future.status, future.body.message]).toEqual([422, expect.stringContaining('future')]);
    const run = await p.call('POST', '/api/v1/billing/rating-runs', { token: admin });
    expect([run.status, run.body]).toEqual([202, expect.anything()]);
    await p.temporal.client.workflow.getHandle(run.body.workflowId).result();
    const billsA = await p.call('GET', `/api/v1/billing/bills?status=closed`, { token: a.token });
    expect(billsA.body.items.map((x: any) => [x.periodStart, x.usageTotal])).toEqual([
      [lastMonth.start.toISOString(), ((lastMonth.end.getTime() - lastMonth.start.getTime()) / 3_600_000) * 0.5],
    ]);
    const billId = billsA.body.items[0].id;
    const detail = await p.call('GET', `/api/v1/billing/bills/${billId}`, { token: a.token });
    expect(detail.body.lines.map((l: any) => [l.kind, l.resourceKind, l.unitPrice])).toEqual([
      ['usage', 'floating_ip', 0.5],
    ]);
    expect((await p.call('GET', `/api/v1/billing/bills/${billId}`, { token: b.token })).status).toBe(404);
    expect((await p.call('GET', `/api/v1/billing/bills?tenantId=${a.tenantId}`, { token: b.token })).status).toBe(404);
    expect(
      (await p.call('GET', '/api/v1/billing/charges?limit=5', { token: b.token })).body.items.every(
        (c: any) => c.tenantId === b.tenantId,
      ),
    ).toBe(true);

    // Operators see every tenant, per tenant and in total.
    const summary = await p.call('GET', `/api/v1/billing/summary?periodStart=${lastMonth.start.toISOString()}`, {
      token: admin,
    });
    expect(summary.body.tenants.map((t: any) => t.tenantId)).toContain(a.tenantId);
    expect(summary.body.usageTotal).toBe(summary.body.tenants.reduce((s: number, t: any) => s + t.usageTotal, 0));
    expect((await p.call('GET', '/api/v1/billing/summary', { token: a.token })).status).toBe(403);
    const all = await p.call('GET', `/api/v1/billing/bills?tenantId=${a.tenantId}`, { token: admin });
    // Last month's closed bill, and this month's open one (the address still runs).
    expect(all.body.items.map((x: any) => x.status)).toEqual(['open', 'closed']);
  }, 120_000);

  it('takes a price change from the next period and refuses one inside the current period', async () => {
    const vol = await product(p.db.orm, 'volume', 0.01);
    const body = { productId: vol.id, hourlyPrice: 0.02, monthlyPrice: 14.4 };
    const made = await p.call('POST', '/api/v1/billing/price-plans', { token: admin, body });
    expect(made.status).toBe(201);
    expect(made.body.effectiveFrom).toBe(nextPeriod(new Date(), 'monthly').start.toISOString());
    const current = periodOf(new Date(), 'monthly').start.toISOString();
    const inside = await p.call('POST', '/api/v1/billing/price-plans', {
      token: admin,
      body: { ...body, effectiveFrom: current },
    });
    expect(inside.status).toBe(422);
    const fix = await p.call('POST', '/api/v1/billing/price-plans', {
      token: admin,
      body: { ...body, effectiveFrom: current, correction: true },
    });
    expect([fix.status, fix.body.revision]).toEqual([201, 1]);
    const list = await p.call('GET', `/api/v1/billing/price-plans?productId=${vol.id}`, { token: admin });
    expect(list.body.total).toBe(2);
    const tenant = await p.tenantUser();
    expect((await p.call('POST', '/api/v1/billing/price-plans', { token: tenant.token, body })).status).toBe(403);
    expect(
      (
        await p.call('POST', '/api/v1/billing/backfills', {
          token: admin,
          body: { periodStart: nextPeriod(new Date(), 'monthly').start.toISOString() },
        })
      ).status,
    ).toBe(422);
    const backfill = await p.call('POST', '/api/v1/billing/backfills', {
      token: admin,
      body: { periodStart: current },
    });
    expect([backfill.status, backfill.body]).toEqual([202, expect.anything()]);
    const summary = await waitFor(
      'backfill',
      () => p.temporal.client.workflow.getHandle(backfill.body.workflowId).result(),
      (s) => !!s,
    );
    expect(summary.from).toBe(current);
  }, 120_000);

  it('bills in the periods of the pricePlanPeriod setting, BILLING_PERIOD being only its default', async () => {
    const settings = await p.call('GET', '/api/v1/settings', { token: admin });
    expect(settings.body.pricePlanPeriod).toMatchObject({
      value: 'monthly',
      default: 'monthly',
      enum: ['monthly', 'daily'],
    });
    const vol = await product(p.db.orm, 'volume', 0.01);
    // The second day of next month starts a period only once periods are days.
    const secondDay = new Date(nextPeriod(new Date(), 'monthly').start.getTime() + 24 * 3_600_000).toISOString();
    const body = { productId: vol.id, hourlyPrice: 0.02, monthlyPrice: 14.4, effectiveFrom: secondDay };
    expect((await p.call('POST', '/api/v1/billing/price-plans', { token: admin, body })).status).toBe(422);
    const patched = await p.call('PATCH', '/api/v1/settings', { token: admin, body: { pricePlanPeriod: 'daily' } });
    expect(patched.status).toBe(200);
    const plan = await p.call('POST', '/api/v1/billing/price-plans', { token: admin, body });
    expect([plan.status, plan.body.effectiveFrom]).toEqual([201, secondDay]);
    // This month was rated in monthly periods already (above): it keeps them until its end.
    const run = await p.call('POST', '/api/v1/billing/rating-runs', { token: admin });
    expect([run.status, run.body.period]).toEqual([202, 'monthly']);
    await p.temporal.client.workflow.getHandle(run.body.workflowId).result();
    const thisMonth = periodOf(new Date(), 'monthly');
    const open = await p.call('GET', `/api/v1/billing/bills?status=open`, { token: admin });
    expect(open.body.items.map((b: any) => [b.periodKind, b.periodStart])).toContainEqual([
      'monthly',
      thisMonth.start.toISOString(),
    ]);
    expect(open.body.items.every((b: any) => b.periodKind === 'monthly')).toBe(true);
    await p.call('PATCH', '/api/v1/settings', { token: admin, body: { pricePlanPeriod: 'monthly' } });
  }, 120_000);

  it('creates the hourly rating schedule once, and none when the interval is 0', async () => {
    const client = p.temporal.client;
    const queue = p.deps.queues.orchestration;
    expect(await ensureRatingSchedule(client, queue, 0)).toBe(false);
    expect(await ensureRatingSchedule(client, queue, 60)).toBe(true);
    expect(await ensureRatingSchedule(client, queue, 60)).toBe(true);
    const handle = client.schedule.getHandle(ratingScheduleIdFor(queue));
    const d = await handle.describe();
    expect(d.spec.intervals?.[0]?.every).toBe(3_600_000);
    expect(d.action.type === 'startWorkflow' && d.action.workflowType).toBe('ratingWorkflow');
    await handle.delete();
  });
});
