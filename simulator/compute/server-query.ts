import type { Server } from './model';
import type { ComputeContext } from './microversion';
import type { ComputeService } from './service';
import { badRequest, policyForbidden } from './errors';
import { statusFromState } from './state-map';
import { computeBase } from './links';
import { optQueryTime } from './validation';

const MAX_LIMIT = 1000;

/** Query parameters non-admins may use; Nova silently drops the others. */
const USER_FILTERS = new Set([
  'name',
  'status',
  'flavor',
  'image',
  'changes-since',
  'changes-before',
  'ip',
  'ip6',
  'reservation_id',
  'tags',
  'tags-any',
  'not-tags',
  'not-tags-any',
  'locked',
  'key_name',
  'description',
  'availability_zone',
  'limit',
  'marker',
  'sort_key',
  'sort_dir',
]);

export interface ServerPage {
  servers: Server[];
  nextHref?: string;
}

/**
 * Lists servers newest first from the per-project (or global) ordered index, applying Nova's
 * filters while walking, so a page costs about O(limit) when filters are selective enough.
 */
export function queryServers(c: ComputeContext, svc: ComputeService, detail: boolean): ServerPage {
  const auth = c.get('auth');
  const mv = c.get('mv');
  const q = c.req.query();
  const multi = c.req.queries();
  const allTenantsRaw = q.all_tenants;
  const allTenants = allTenantsRaw !== undefined && !['0', 'false', 'off', 'no'].includes(allTenantsRaw.toLowerCase());
  if (allTenants && !auth.isAdmin) throw policyForbidden('os_compute_api:servers:index:get_all_tenants');
  if (!auth.isAdmin) for (const k of Object.keys(q)) if (!USER_FILTERS.has(k)) delete q[k];

  let limit = MAX_LIMIT;
  if (q.limit !== undefined) {
    if (!/^\d+$/.test(q.limit))
      throw badRequest(
        `Invalid input for query parameters limit. Value: ${q.limit}. '${q.limit}' does not match '^[0-9]*$'`,
      );
    limit = Math.min(Number(q.limit), MAX_LIMIT);
  }
  const projectFilter = q.project_id ?? q.tenant_id;
  const projectId = allTenants ? projectFilter : auth.isAdmin && projectFilter ? projectFilter : auth.projectId;

  const changesSince = optQueryTime(q, 'changes-since');
  const changesBefore = mv >= 66 ? optQueryTime(q, 'changes-before') : undefined;
  const includeDeleted =
    changesSince !== undefined || changesBefore !== undefined || (auth.isAdmin && q.deleted === 'true');

  let nameRe: RegExp | undefined;
  if (q.name) {
    try {
      nameRe = new RegExp(q.name);
    } catch {
      throw badRequest(`Invalid filter: name ${q.name}`);
    }
  }
  const statuses = multi.status?.map((s) => s.toUpperCase());
  if (statuses?.some((s) => !/^[A-Z_]+$/.test(s))) throw badRequest(`Invalid server status : ${q.status}`);
  const split = (k: string) => (mv >= 26 && q[k] ? q[k].split(',') : undefined);
  const tags = split('tags');
  const tagsAny = split('tags-any');
  const notTags = split('not-tags');
  const notTagsAny = split('not-tags-any');
  const hostFilter = auth.isAdmin ? (q.host ?? q.node) : undefined;
  const flavorId = q.flavor;
  const imageId = q.image;
  const ip = q.ip;
  const locked = mv >= 73 && q.locked !== undefined ? ['true', '1', 'yes'].includes(q.locked.toLowerCase()) : undefined;

  const keep = (s: Server): boolean => {
    if (projectId && s.projectId !== projectId) return false;
    if (nameRe && !nameRe.test(s.name)) return false;
    if (statuses && !statuses.includes(s.deleted ? 'DELETED' : statusFromState(s.vmState, s.taskState))) return false;
    if (hostFilter && s.host !== hostFilter) return false;
    if (flavorId && s.flavor.id !== flavorId) return false;
    if (imageId && s.imageId !== imageId) return false;
    if (changesSince !== undefined && Date.parse(s.updatedAt) < changesSince) return false;
    if (changesBefore !== undefined && Date.parse(s.updatedAt) > changesBefore) return false;
    if (tags && !tags.every((t) => s.tags.includes(t))) return false;
    if (tagsAny && !tagsAny.some((t) => s.tags.includes(t))) return false;
    if (notTags && notTags.every((t) => s.tags.includes(t))) return false;
    if (notTagsAny && notTagsAny.some((t) => s.tags.includes(t))) return false;
    if (locked !== undefined && s.locked !== locked) return false;
    if (q.key_name && s.keyName !== q.key_name) return false;
    if (q.reservation_id && s.reservationId !== q.reservation_id) return false;
    if (q.availability_zone && s.az !== q.availability_zone) return false;
    if (ip) {
      let re: RegExp;
      try {
        re = new RegExp(ip.replace(/\./g, '\\.'));
      } catch {
        return false;
      }
      if (!s.ports.some((p) => p.ips.some((a) => re.test(a.addr)))) return false;
    }
    return true;
  };

  const index = projectId ? svc.store.byProject.get(projectId) : svc.store.allIndex;
  const marker = q.marker;
  if (marker !== undefined && !(index?.has(marker) || svc.store.deletedIndex.has(marker)))
    throw badRequest(`marker [${marker}] not found`);

  const out: Server[] = [];
  const sources = [index, includeDeleted ? svc.store.deletedIndex : undefined];
  let afterMarker: string | undefined = marker;
  for (const idx of sources) {
    if (!idx || out.length >= limit) continue;
    // The marker lives in one index; in the other, start from the top only if it was in the first.
    if (afterMarker !== undefined && !idx.has(afterMarker)) {
      if (idx === svc.store.deletedIndex && index?.has(afterMarker)) afterMarker = undefined;
      else continue;
    }
    for (const id of idx.newestFirst(afterMarker)) {
      const s = svc.store.servers.get(id);
      if (!s || !keep(s)) continue;
      out.push(s);
      if (out.length >= limit) break;
    }
    afterMarker = undefined;
  }

  let nextHref: string | undefined;
  if (out.length === limit && out.length > 0) {
    const params = new URLSearchParams();
    for (const [k, vs] of Object.entries(multi))
      if (k !== 'marker' && k !== 'limit') for (const v of vs) params.append(k, v);
    params.set('limit', String(limit));
    params.set('marker', out[out.length - 1].id);
    nextHref = `${computeBase(c)}/servers${detail ? '/detail' : ''}?${params.toString()}`;
  }
  return { servers: out, nextHref };
}
