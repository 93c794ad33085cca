import { neutronError } from '../core/errors';
import { optBool, optInt, optList, optString, resourceBody } from './body';
import { badRequest, badResourceRequest, forbidden } from './errors';
import { cidrContains, cidrSize, cidrsOverlap, intToIp, parseCidr, type Cidr } from './ipv4';
import type { Caller, SubnetPoolRecord } from './model';
import type { NetworkStore } from './store';

const createAttrs = [
  'name',
  'description',
  'prefixes',
  'default_prefixlen',
  'min_prefixlen',
  'max_prefixlen',
  'shared',
  'is_default',
  'default_quota',
  'address_scope_id',
  'project_id',
  'tenant_id',
  'tags',
] as const;
const updateAttrs = [
  'name',
  'description',
  'prefixes',
  'default_prefixlen',
  'min_prefixlen',
  'max_prefixlen',
  'is_default',
  'default_quota',
] as const;

function parsePrefixes(raw: unknown[]): string[] {
  return raw.map((p) => {
    const c = typeof p === 'string' ? parseCidr(p) : undefined;
    if (!c) throw badRequest(`Invalid input for prefixes. Reason: '${String(p)}' is not a valid IPv4 subnet.`);
    return `${intToIp(c.network)}/${c.prefix}`;
  });
}

function checkLengths(pool: Pick<SubnetPoolRecord, 'min_prefixlen' | 'default_prefixlen' | 'max_prefixlen'>): void {
  if (!(pool.min_prefixlen <= pool.default_prefixlen && pool.default_prefixlen <= pool.max_prefixlen)) {
    throw neutronError(
      400,
      'IllegalSubnetPoolPrefixBounds',
      `Illegal prefix bounds: min_prefixlen=${pool.min_prefixlen}, default_prefixlen=${pool.default_prefixlen}, max_prefixlen=${pool.max_prefixlen}.`,
    );
  }
}

export function createSubnetPool(store: NetworkStore, caller: Caller, raw: unknown): SubnetPoolRecord {
  const b = resourceBody(raw, 'subnetpool', createAttrs);
  const prefixes = optList(b, 'prefixes');
  if (!prefixes) throw badRequest("Failed to parse request. Required attribute 'prefixes' not specified");
  const shared = optBool(b, 'shared') ?? false;
  if (shared && !caller.isAdmin)
    throw forbidden('(rule:create_subnetpool and rule:create_subnetpool:shared) is disallowed by policy');
  optString(b, 'name');
  const min = optInt(b, 'min_prefixlen', 0, 32) ?? 8;
  const pool: SubnetPoolRecord = {
    ...store.base(caller, b),
    prefixes: parsePrefixes(prefixes),
    min_prefixlen: min,
    default_prefixlen: optInt(b, 'default_prefixlen', 0, 32) ?? min,
    max_prefixlen: optInt(b, 'max_prefixlen', 0, 32) ?? 32,
    ip_version: 4,
    shared,
    is_default: optBool(b, 'is_default') ?? false,
    default_quota: optInt(b, 'default_quota', 0) ?? null,
    address_scope_id: null,
  };
  checkLengths(pool);
  store.subnetPools.set(pool.id, pool);
  return pool;
}

export function updateSubnetPool(store: NetworkStore, caller: Caller, id: string, raw: unknown): SubnetPoolRecord {
  const pool = store.getOwned(store.subnetPools, 'SubnetPool', caller, id);
  const b = resourceBody(raw, 'subnetpool', updateAttrs);
  const next = {
    name: optString(b, 'name') ?? pool.name,
    description: optString(b, 'description') ?? pool.description,
    min_prefixlen: optInt(b, 'min_prefixlen', 0, 32) ?? pool.min_prefixlen,
    default_prefixlen: optInt(b, 'default_prefixlen', 0, 32) ?? pool.default_prefixlen,
    max_prefixlen: optInt(b, 'max_prefixlen', 0, 32) ?? pool.max_prefixlen,
    is_default: optBool(b, 'is_default') ?? pool.is_default,
    default_quota: b.default_quota === undefined ? pool.default_quota : (optInt(b, 'default_quota', 0) ?? null),
  };
  checkLengths(next);
  const prefixes = optList(b, 'prefixes');
  if (prefixes) {
    const wanted = parsePrefixes(prefixes).map((p) => parseCidr(p)!);
    // Prefixes may grow, never shrink (Neutron: "Existing prefixes must be a subset of the new prefixes").
    if (pool.prefixes.some((p) => !wanted.some((w) => cidrCovers(w, parseCidr(p)!)))) {
      throw badResourceRequest('subnetpool', 'Existing prefixes must be a subset of the new prefixes');
    }
    pool.prefixes = wanted.map((c) => `${intToIp(c.network)}/${c.prefix}`);
  }
  Object.assign(pool, next);
  store.touch(pool);
  return pool;
}

export function deleteSubnetPool(store: NetworkStore, caller: Caller, id: string): void {
  const pool = store.getOwned(store.subnetPools, 'SubnetPool', caller, id);
  if ([...store.subnets.values()].some((s) => s.subnetpool_id === id)) {
    throw neutronError(
      409,
      'SubnetPoolInUse',
      `Unable to complete operation on subnet pool ${id}. Subnet pool ${id} is in use.`,
    );
  }
  store.subnetPools.delete(pool.id);
}

const cidrCovers = (outer: Cidr, inner: Cidr) => outer.prefix <= inner.prefix && cidrContains(outer, inner.network);

/** Neutron's subnet allocation: the first free, aligned block of `prefixlen` in the pool's prefixes. */
export function allocateFromPool(
  store: NetworkStore,
  caller: Caller,
  poolId: string,
  prefixlenRaw: unknown,
): { pool: SubnetPoolRecord; cidr: string } {
  const pool = store.get(store.subnetPools, 'SubnetPool', caller, poolId);
  const prefixlen = prefixlenRaw === undefined || prefixlenRaw === null ? pool.default_prefixlen : Number(prefixlenRaw);
  if (!Number.isInteger(prefixlen) || prefixlen < pool.min_prefixlen || prefixlen > pool.max_prefixlen) {
    throw neutronError(
      400,
      'SubnetAllocationError',
      `Failed to allocate subnet: Unsupported prefix length ${String(prefixlenRaw)}, the pool allows ${pool.min_prefixlen} to ${pool.max_prefixlen}.`,
    );
  }
  const taken = [...store.subnets.values()].filter((s) => s.subnetpool_id === pool.id).map((s) => parseCidr(s.cidr)!);
  const size = 2 ** (32 - prefixlen);
  for (const p of pool.prefixes.map((x) => parseCidr(x)!)) {
    if (p.prefix > prefixlen) continue;
    for (let n = p.network; n < p.network + cidrSize(p); n += size) {
      const candidate = { network: n, prefix: prefixlen };
      if (!taken.some((t) => cidrsOverlap(t, candidate))) return { pool, cidr: `${intToIp(n)}/${prefixlen}` };
    }
  }
  throw neutronError(
    409,
    'SubnetAllocationError',
    'Failed to allocate subnet: Insufficient prefix space to allocate subnet size /' + prefixlen + '.',
  );
}
