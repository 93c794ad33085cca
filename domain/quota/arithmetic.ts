import { quotaResources, type QuotaAmounts, type QuotaResource } from './resources';

export interface QuotaExcess {
  resource: QuotaResource;
  limit: number;
  used: number;
  reserved: number;
  requested: number;
}

/** Effective limits: the tenant's own where set, the platform default elsewhere. */
export function effectiveLimits(
  own: Partial<Record<QuotaResource, number | null>>,
  defaults: QuotaAmounts,
): QuotaAmounts {
  const out = { ...defaults };
  for (const r of quotaResources) {
    const v = own[r];
    if (v !== null && v !== undefined) out[r] = v;
  }
  return out;
}

/** Every resource `requested` would push over its limit (a negative limit is unlimited). */
export function quotaExcesses(
  limits: QuotaAmounts,
  used: QuotaAmounts,
  reserved: QuotaAmounts,
  requested: QuotaAmounts,
): QuotaExcess[] {
  return quotaResources
    .filter((r) => requested[r] > 0 && limits[r] >= 0 && used[r] + reserved[r] + requested[r] > limits[r])
    .map((r) => ({ resource: r, limit: limits[r], used: used[r], reserved: reserved[r], requested: requested[r] }));
}

export function describeExcess(e: QuotaExcess): string {
  return `quota ${e.resource} exceeded: limit ${e.limit}, used ${e.used}, reserved ${e.reserved}, requested ${e.requested}`;
}
