/** The quota dimensions of a tenant, named as the REST API names them. */
export const quotaResources = [
  'instances',
  'vcpus',
  'ramMb',
  'volumes',
  'gigabytes',
  'floatingIps',
  'networks',
  'routers',
] as const;
export type QuotaResource = (typeof quotaResources)[number];

export type QuotaAmounts = Record<QuotaResource, number>;

/** Built-in platform defaults, used until an operator sets others. `-1` means unlimited. */
export const builtinQuotaDefaults: QuotaAmounts = {
  instances: 10,
  vcpus: 20,
  ramMb: 51200,
  volumes: 10,
  gigabytes: 1000,
  floatingIps: 10,
  networks: 10,
  routers: 10,
};

export function zeroAmounts(): QuotaAmounts {
  return { instances: 0, vcpus: 0, ramMb: 0, volumes: 0, gigabytes: 0, floatingIps: 0, networks: 0, routers: 0 };
}

export function addAmounts(a: QuotaAmounts, b: Partial<QuotaAmounts>): QuotaAmounts {
  const out = { ...a };
  for (const r of quotaResources) out[r] += b[r] ?? 0;
  return out;
}

export function isZero(a: QuotaAmounts): boolean {
  return quotaResources.every((r) => a[r] === 0);
}

/** snake_case column stem of a resource (`floatingIps` → `floating_ips`). */
export function quotaColumn(r: QuotaResource): string {
  return r.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
