import { hourMs, hourOf } from '../../domain/billing/period';
import { Bill, BillLine, Charge, RatingCursor, UsageInterval } from '../../domain/entities';
import { hourlyCursorId } from '../../activities/billing/rating';
import { delivered, product } from '../billing/support';
import { batchTenant, type FaultRow } from './orders-batch';
import { requestEach } from './requests';
import type { FaultRig } from './rig';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BillingBatchOptions {
  fault: string;
  /** Rating runs of the batch, each one workflow (`billing-rate-<request>`). */
  runs: number;
  /** Floating IPs the batch's tenant holds, each billed by the hour. */
  resources: number;
  /** How long before the current hour they were delivered. */
  hours: number;
  concurrency: number;
  deadlineMs: number;
  /** Runs beside the requests; `requested()` counts those answered (or cut) so far, of `total`. */
  inject?: (requested: () => number, total: number) => Promise<string[]>;
  /** Sets a fault up once the resources exist; what it answers undoes it after the runs ended. */
  around?: () => () => string[];
}

/** The hourly price of the batch's product: drift is counted in hours of one resource at it. */
const price = 0.25;

/**
 * Rating under a fault: a fresh tenant's `resources` floating IPs, delivered `hours` before the current hour at one
 * price (without the fault, not counted), then `runs` rating runs asked for through the API processes
 * (`POST /billing/rating-runs`, as an operator), `concurrency` at a time, while `inject` runs. Every run is awaited in
 * Temporal until it is closed: completed when it completed; failed when it ended otherwise (operators read its cause
 * in the rating runs' list) or the request was refused or cut (the operator saw that); lost when still open at the
 * deadline. Then the tenant's billing is checked against its metering (its usage intervals, up to the hour the rating
 * cursor reached): duplicated counts a resource charged twice for one hour (two charges of one hour, or two open
 * intervals of one resource) and a bill holding two usage lines of one resource and product; drift, in hours of one
 * resource at the batch's price, what the charges differ from the metered hours plus what the bills' usage lines
 * differ from the charges (and a bill's total from its lines).
 */
export async function runBillingBatch(fr: FaultRig, opts: BillingBatchOptions): Promise<FaultRow> {
  const t0 = Date.now();
  const orm = fr.rig.p.db.orm;
  const em = () => orm.em.fork();
  const { tenantId } = await batchTenant(fr);
  const fip = await product(orm, 'floating_ip', price);
  const since = new Date(hourOf(new Date()).getTime() - opts.hours * hourMs);
  const resources: string[] = [];
  for (let i = 0; i < opts.resources; i++)
    resources.push((await delivered(orm, tenantId, 'floating_ip', since, { productId: fip.id })).id);

  const t1 = Date.now();
  const undo = opts.around?.();
  const notes: string[] = [];
  const keys = Array.from({ length: opts.runs }, (_, i) => `run-${i}`);
  const req = await requestEach(keys, {
    concurrency: opts.concurrency,
    send: () => fr.call('POST', '/api/v1/billing/rating-runs', { token: fr.rig.operator, body: {} }),
    accept: (r) => (r.status === 202 ? (r.body.workflowId as string) : undefined),
    inject: opts.inject,
  });
  notes.push(...req.injected);

  const { client } = fr.rig.p.temporal;
  const closed = new Map<string, string>();
  const deadline = Date.now() + opts.deadlineMs;
  while (closed.size < req.accepted.size && Date.now() < deadline) {
    for (const id of req.accepted.values()) {
      if (closed.has(id)) continue;
      // Temporal may be down for a while (the restart fault): asked again on the next round.
      const status = await client.workflow
        .getHandle(id)
        .describe()
        .then((d) => d.status.name)
        .catch(() => 'RUNNING');
      if (status !== 'RUNNING') closed.set(id, status);
    }
    if (closed.size < req.accepted.size) await sleep(250);
  }
  const t2 = Date.now();
  notes.push(...(undo?.() ?? []));
  const secs = (n: number) => `${(n / 1000).toFixed(1)} s`;
  notes.push(`setup ${secs(t1 - t0)}, rating ${secs(t2 - t1)} (requests to closed runs)`);

  let completed = 0;
  let failed = 0;
  for (const id of req.accepted.values()) {
    const status = closed.get(id);
    if (status === 'COMPLETED') completed++;
    else if (status) {
      failed++;
      const cause = await client.workflow
        .getHandle(id)
        .result()
        .then(
          () => '',
          (e: Error) => `: ${((e.cause as Error | undefined)?.message ?? e.message).slice(0, 160)}`,
        );
      req.why(`run ${status.toLowerCase()}${cause}`);
    } else req.why(`run ${id} still open at the deadline`);
  }

  // What the metering says, up to the hour rating reached; what was charged and billed for it.
  const db = em();
  const ratedThrough = (await db.findOne(RatingCursor, { id: hourlyCursorId }))?.ratedThrough ?? since;
  const intervals = await db.find(UsageInterval, { resourceId: resources });
  const charges = await db.find(Charge, { resourceId: resources });
  const bills = await db.find(Bill, { tenantId });
  const lines = await db.find(BillLine, { billId: bills.map((b) => b.id), kind: 'usage' });
  let duplicated = 0;
  let drift = 0;
  const tally = <T>(rows: T[], key: (r: T) => string) => {
    const n = new Map<string, number>();
    for (const r of rows) n.set(key(r), (n.get(key(r)) ?? 0) + 1);
    return [...n.values()].reduce((d, c) => d + c - 1, 0);
  };
  const twiceCharged = tally(charges, (c) => `${c.resourceId}/${c.hourStart.getTime()}`);
  const twiceBilled = tally(lines, (l) => `${l.billId}/${l.resourceId}/${l.productId}`);
  const twiceOpen = tally(
    intervals.filter((i) => !i.endedAt),
    (i) => i.resourceId,
  );
  duplicated += twiceCharged + twiceBilled + twiceOpen;
  if (twiceCharged) notes.push(`${twiceCharged} hours charged twice`);
  if (twiceBilled) notes.push(`${twiceBilled} bill lines written twice`);
  if (twiceOpen) notes.push(`${twiceOpen} resources metered twice (two open intervals)`);

  const to = ratedThrough.getTime();
  let chargeDrift = 0;
  for (const id of resources) {
    const metered = intervals
      .filter((i) => i.resourceId === id)
      .reduce((h, i) => {
        const end = Math.min(i.endedAt?.getTime() ?? to, to);
        return h + Math.max(0, end - i.startedAt.getTime()) / hourMs;
      }, 0);
    const charged = charges.filter((c) => c.resourceId === id).reduce((h, c) => h + c.seconds / 3600, 0);
    chargeDrift += Math.abs(charged - metered);
  }
  const charged = charges.reduce((a, c) => a + c.amount, 0);
  const billed = lines.reduce((a, l) => a + l.amount, 0);
  const totals = bills.reduce((a, b) => a + b.usageTotal, 0);
  const billDrift = (Math.abs(billed - charged) + Math.abs(totals - billed)) / price;
  // With no run completed nothing says how far these resources were rated: drift is not measured.
  if (completed) drift = Math.round(chargeDrift + billDrift);
  else notes.push('no run completed: drift not measured');
  if (drift)
    notes.push(
      `billing drift: charged ${Math.round(chargeDrift)} h off the metering, bills ${billDrift.toFixed(2)} h off the charges`,
    );
  notes.push(
    `rated through ${ratedThrough.toISOString()}: ${charges.length} charges of ${resources.length} resources over ${opts.hours} h, ${bills.length} bill(s), ${billed.toFixed(2)} billed`,
  );
  notes.push(...req.notes());
  return {
    fault: opts.fault,
    run: opts.runs,
    completed,
    failed: failed + req.refused,
    lost: req.accepted.size - completed - failed,
    duplicated,
    drift,
    notes,
  };
}
