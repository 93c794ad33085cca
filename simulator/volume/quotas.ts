import { badRequest, forbidden } from './errors';
import { defaultCinderQuota, DEFAULT_TYPE_NAME, type Caller, type CinderQuota } from './model';
import type { VolumeService } from './service';

type QuotaView = Record<string, unknown>;

function withTypeKeys(q: CinderQuota): Record<string, number> {
  return {
    ...q,
    [`volumes_${DEFAULT_TYPE_NAME}`]: -1,
    [`gigabytes_${DEFAULT_TYPE_NAME}`]: -1,
    [`snapshots_${DEFAULT_TYPE_NAME}`]: -1,
  };
}

export function showQuotaSet(svc: VolumeService, caller: Caller, projectId: string, usage: boolean): QuotaView {
  if (!caller.isAdmin && caller.projectId !== projectId) throw forbidden('volume_extension:quotas:show');
  const limits = withTypeKeys(svc.quotaOf(projectId));
  if (!usage) return { id: projectId, ...limits };
  const used = svc.usage(projectId) as Record<string, number>;
  const out: QuotaView = { id: projectId };
  for (const [k, limit] of Object.entries(limits)) out[k] = { limit, in_use: used[k] ?? 0, reserved: 0, allocated: 0 };
  return out;
}

export function defaultQuotaSet(projectId: string): QuotaView {
  return { id: projectId, ...withTypeKeys(defaultCinderQuota) };
}

export function updateQuotaSet(
  svc: VolumeService,
  caller: Caller,
  projectId: string,
  raw: Record<string, unknown>,
): QuotaView {
  if (!caller.isAdmin) throw forbidden('volume_extension:quotas:update');
  const body = raw.quota_set;
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw badRequest("Missing required element 'quota_set' in request body.");
  const current = { ...svc.quotas.get(projectId) };
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === 'tenant_id' || k === 'id') continue;
    if (!(k in defaultCinderQuota)) {
      if (k.includes(`_${DEFAULT_TYPE_NAME}`)) continue;
      throw badRequest(`Bad key(s) in quota set: ${k}`);
    }
    const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < -1)
      throw badRequest(`Invalid input received: Quota limit ${String(v)} for ${k} must be -1 or greater.`);
    current[k as keyof CinderQuota] = n;
  }
  svc.quotas.set(projectId, current);
  const { id: _id, ...rest } = showQuotaSet(svc, caller, projectId, false);
  return rest;
}

export function resetQuotaSet(svc: VolumeService, caller: Caller, projectId: string): void {
  if (!caller.isAdmin) throw forbidden('volume_extension:quotas:delete');
  svc.quotas.delete(projectId);
}

/** `GET /limits`: absolute limits as python-cinderclient and the CLI's `limits show` read them. */
export function absoluteLimits(svc: VolumeService, projectId: string) {
  const q = svc.quotaOf(projectId);
  const u = svc.usage(projectId);
  return {
    limits: {
      rate: [],
      absolute: {
        totalSnapshotsUsed: u.snapshots,
        maxTotalBackups: q.backups,
        maxTotalVolumeGigabytes: q.gigabytes,
        maxTotalSnapshots: q.snapshots,
        maxTotalBackupGigabytes: q.backup_gigabytes,
        totalBackupGigabytesUsed: 0,
        maxTotalVolumes: q.volumes,
        totalVolumesUsed: u.volumes,
        totalBackupsUsed: 0,
        totalGigabytesUsed: u.gigabytes,
      },
    },
  };
}
