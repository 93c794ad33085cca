import { badRequest, forbidden } from './errors';
import { defaultQuota, type Caller, type NeutronQuota } from './model';
import type { NetworkStore } from './store';

function checkAccess(caller: Caller, projectId: string): void {
  if (!caller.isAdmin && caller.projectId !== projectId) {
    throw forbidden('Non-admin is not authorized to access quotas for another project');
  }
}

export function showQuota(store: NetworkStore, caller: Caller, projectId: string): NeutronQuota {
  checkAccess(caller, projectId);
  return store.quotaOf(projectId);
}

export function quotaDetails(
  store: NetworkStore,
  caller: Caller,
  projectId: string,
): Record<string, { used: number; limit: number; reserved: number }> {
  checkAccess(caller, projectId);
  const limits = store.quotaOf(projectId);
  const used = store.usage(projectId);
  const out: Record<string, { used: number; limit: number; reserved: number }> = {};
  for (const k of Object.keys(limits) as Array<keyof NeutronQuota>)
    out[k] = { used: used[k], limit: limits[k], reserved: 0 };
  return out;
}

export function updateQuota(store: NetworkStore, caller: Caller, projectId: string, raw: unknown): NeutronQuota {
  if (!caller.isAdmin) throw forbidden('(rule:update_quota) is disallowed by policy');
  const body = (raw as { quota?: Record<string, unknown> } | null)?.quota;
  if (!body || typeof body !== 'object') throw badRequest("Unable to find 'quota' in request body");
  const current = { ...store.quotas.get(projectId) };
  for (const [k, v] of Object.entries(body)) {
    if (k === 'check_limit' || k === 'force') continue;
    if (!(k in defaultQuota)) throw badRequest(`Unrecognized attribute(s) '${k}'`);
    const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < -1)
      throw badRequest(`Invalid input for ${k}. Reason: '${String(v)}' is not an integer or -1.`);
    current[k as keyof NeutronQuota] = n;
  }
  store.quotas.set(projectId, current);
  return store.quotaOf(projectId);
}

export function resetQuota(store: NetworkStore, caller: Caller, projectId: string): void {
  if (!caller.isAdmin) throw forbidden('(rule:delete_quota) is disallowed by policy');
  store.quotas.delete(projectId);
}

export function listQuotas(
  store: NetworkStore,
  caller: Caller,
): Array<NeutronQuota & { project_id: string; tenant_id: string }> {
  const ids = caller.isAdmin
    ? [...store.quotas.keys()]
    : [...store.quotas.keys()].filter((p) => p === caller.projectId);
  return ids.map((p) => ({ ...store.quotaOf(p), project_id: p, tenant_id: p }));
}
