/**
 * Metering lag bench: time from a resource's lifecycle change (delivered, stopped, started, resized,
 * deleted, written by the platform's record activities) to the usage interval a tenant's
 * GET /billing/usage reads, on a fresh SQLite database, next to CloudKitty's 2–3 h (its hourly
 * collection period plus processing). Prints figures; asserts nothing.
 *   npx tsx bench/metering-lag.ts [resources]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createResourceRecordActivities } from '../activities/db/resources';
import { migrate, openOrm } from '../domain/db/orm';
import { CloudResource, Product, UsageInterval } from '../domain/entities';
import { reportFigures } from './lib/figures';
import { serverSnapshot } from '../test/billing/support';

const RESOURCES = Number(process.argv[2] ?? 50);
const CLOUDKITTY_S = [2 * 3600, 3 * 3600];

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cmp-bench-meter-'));
  const orm = await openOrm({ kind: 'sqlite', file: path.join(dir, 'cmp.sqlite') });
  await migrate(orm);
  const records = createResourceRecordActivities(orm);
  const small = Object.assign(new Product(), {
    kind: 'flavor' as const,
    name: 'small',
    vcpus: 1,
    ramMb: 1024,
    diskGb: 10,
    hourlyPrice: 0.1,
    monthlyPrice: 60,
  });
  const big = Object.assign(new Product(), {
    kind: 'flavor' as const,
    name: 'big',
    vcpus: 4,
    ramMb: 8192,
    diskGb: 10,
    hourlyPrice: 0.4,
    monthlyPrice: 240,
  });
  await orm.em.fork().persistAndFlush([small, big]);
  const snap = serverSnapshot;
  const lags: number[] = [];
  // The tenant's view: what a fresh read of his intervals shows (the query behind GET /billing/usage).
  const visible = async (resourceId: string, event: string) => {
    const t0 = performance.now();
    for (;;) {
      const rows = await orm.em.fork().find(UsageInterval, { resourceId }, { orderBy: { seq: 'desc' }, limit: 1 });
      if (rows[0] && (rows[0].startEvent === event || rows[0].endEvent === event)) return performance.now() - t0;
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  for (let k = 0; k < RESOURCES; k++) {
    const r = Object.assign(new CloudResource(), {
      tenantId: 'bench',
      kind: 'server' as const,
      openstackId: `os-${k}`,
      name: `vm-${k}`,
      status: 'provisioning' as const,
      spec: {},
      attributes: {},
    });
    await orm.em.fork().persistAndFlush(r);
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['delivered', () => records.recordServerState({ resourceId: r.id, snapshot: snap('ACTIVE', small) })],
      ['stopped', () => records.recordServerState({ resourceId: r.id, snapshot: snap('SHUTOFF', small) })],
      ['started', () => records.recordServerState({ resourceId: r.id, snapshot: snap('ACTIVE', small) })],
      ['resized', () => records.recordServerState({ resourceId: r.id, snapshot: snap('ACTIVE', big) })],
      ['deleted', () => records.markResourceDeleted({ resourceId: r.id })],
    ];
    for (const [event, write] of steps) {
      const t0 = performance.now();
      await write();
      await visible(r.id, event);
      lags.push(performance.now() - t0);
    }
  }
  lags.sort((a, b) => a - b);
  const p = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))];
  const maxS = lags[lags.length - 1] / 1000;
  console.log(
    `\nMetering lag (lifecycle event → visible usage interval, ${lags.length} events on ${RESOURCES} servers, SQLite):`,
  );
  console.log(
    `  p50 ${p(0.5).toFixed(1)} ms, p95 ${p(0.95).toFixed(1)} ms, max ${lags[lags.length - 1].toFixed(1)} ms`,
  );
  console.log(
    `  CloudKitty ${CLOUDKITTY_S[0] / 3600}–${CLOUDKITTY_S[1] / 3600} h (hourly collection + processing): ${Math.round(CLOUDKITTY_S[0] / maxS)}×–${Math.round(CLOUDKITTY_S[1] / maxS)}× slower than the worst lag here`,
  );
  reportFigures('metering-lag', [
    {
      figure: `metering: lifecycle event → usage interval visible (worst of ${lags.length})`,
      unit: 's',
      platform: maxS,
      reference: CLOUDKITTY_S[0],
      referenceName: 'CloudKitty hourly collection',
      better: 'lower',
      target: 1,
    },
  ]);
  await orm.close(true);
  rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
