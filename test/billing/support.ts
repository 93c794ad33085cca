import type { Orm } from '../../domain/db/orm';
import { CloudResource, Product, SystemSetting, type CloudResourceKind } from '../../domain/entities';
import type { BillingPeriodKind } from '../../domain/billing/period';
import { periodSettingKey } from '../../activities/billing/period-kind';
import type { RatingInput, RatingSummary } from '../../workflows/rating';
import type { ServerSnapshot } from '../../activities/openstack/operate-types';
import type { TestPlatform } from '../support/platform';

let seq = 0;

/** A catalog product; a flavor gets a sizing Nova reports back. */
export async function product(
  orm: Orm,
  kind: Product['kind'],
  hourlyPrice: number,
  monthlyPrice = hourlyPrice * 720,
  sizing = { vcpus: 2, ramMb: 2048, diskGb: 20 },
): Promise<Product> {
  const p = Object.assign(new Product(), {
    kind,
    name: `${kind}-${++seq}-${Date.now()}`,
    hourlyPrice,
    monthlyPrice,
    ...(kind === 'flavor' ? sizing : {}),
  });
  await orm.em.fork().persistAndFlush(p);
  return p;
}

/** A delivered record written as the record activities write it, at `at` (a past instant for rating tests). */
export async function delivered(
  orm: Orm,
  tenantId: string,
  kind: CloudResourceKind,
  at: Date,
  opts: {
    productId?: string;
    osStatus?: string;
    attributes?: Record<string, unknown>;
    spec?: Record<string, unknown>;
  } = {},
): Promise<CloudResource> {
  const r = Object.assign(new CloudResource(), {
    tenantId,
    kind,
    openstackId: `os-${++seq}-${Date.now()}`,
    name: `${kind}-${seq}`,
    status: 'active' as const,
    osStatus: opts.osStatus ?? 'ACTIVE',
    spec: { ...(opts.productId ? { productId: opts.productId } : {}), ...opts.spec },
    attributes: opts.attributes ?? {},
    createdAt: at,
    updatedAt: at,
  });
  await orm.em.fork().persistAndFlush(r);
  return r;
}

/** Stores the operators' `pricePlanPeriod` setting as PATCH /settings does (billing reads it from the database). */
export async function setBillingPeriod(orm: Orm, kind: BillingPeriodKind): Promise<void> {
  await orm.em.fork().upsert(SystemSetting, { key: periodSettingKey, value: kind, updatedAt: new Date() });
}

let run = 0;

/** Runs the rating workflow on the suite's workers and answers its summary. */
export async function rate(p: TestPlatform, input: RatingInput): Promise<RatingSummary> {
  return p.temporal.client.workflow.execute('ratingWorkflow', {
    taskQueue: p.deps.queues.orchestration,
    workflowId: `billing-rate-test-${++run}-${Date.now()}`,
    args: [input],
  });
}

/** What Nova reports of a server of this catalog flavor in this status (as the instance workflows record it). */
export function serverSnapshot(
  status: string,
  p: Pick<Product, 'id' | 'name' | 'vcpus' | 'ramMb' | 'diskGb'>,
): ServerSnapshot {
  const flavor = { id: p.id, name: p.name, vcpus: p.vcpus ?? null, ram: p.ramMb ?? null, disk: p.diskGb ?? null };
  return {
    id: 'x',
    name: 'vm',
    status,
    taskState: null,
    powerState: null,
    projectId: null,
    flavor,
    imageId: null,
    host: null,
    addresses: {},
    updated: null,
  };
}
