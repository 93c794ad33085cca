import { badRequest, invalidSnapshot, invalidVolume, volumeNotFound } from './errors';
import type { Caller, SnapshotRecord } from './model';
import type { VolumeService } from './service';
import { cinderNow } from './timestamps';

function asBool(v: unknown): boolean {
  return v === true || (typeof v === 'string' && /^(true|yes|1|on)$/i.test(v));
}

function stringMap(v: unknown, field: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw badRequest(
      `Invalid input for field/attribute ${field}. Value: ${JSON.stringify(v)}. ${JSON.stringify(v)} is not of type 'object'`,
    );
  }
  return v as Record<string, string>;
}

/** `POST /snapshots`: an in-use volume needs `force`; creating → available after `actionMs`. */
export function createSnapshot(svc: VolumeService, caller: Caller, raw: Record<string, unknown>): SnapshotRecord {
  const b = raw.snapshot as Record<string, unknown> | undefined;
  if (!b || typeof b !== 'object')
    throw badRequest("Invalid input for field/attribute snapshot. Value: None. None is not of type 'object'");
  if (!('volume_id' in b))
    throw badRequest("Invalid input for field/attribute snapshot. 'volume_id' is a required property");
  // Cinder's schema allows a null volume_id, which then is not found (404 "Volume None could not be found.").
  if (b.volume_id === null) throw volumeNotFound('None');
  if (typeof b.volume_id !== 'string')
    throw badRequest(
      `Invalid input for field/attribute volume_id. Value: ${JSON.stringify(b.volume_id)}. ${JSON.stringify(b.volume_id)} is not of type 'string', 'null'`,
    );
  const vol = svc.getVolume(caller, b.volume_id);
  const force = asBool(b.force);
  if (vol.status === 'in-use' ? !force : vol.status !== 'available') {
    throw invalidVolume(`Volume ${vol.id} status must be available, but current status is: ${vol.status}.`);
  }
  svc.checkQuota(vol.project_id, { snapshots: 1, gigabytes: vol.size });
  const snap: SnapshotRecord = {
    id: svc.cloud.newId(),
    name: typeof (b.name ?? b.display_name) === 'string' ? String(b.name ?? b.display_name) : null,
    description:
      typeof (b.description ?? b.display_description) === 'string'
        ? String(b.description ?? b.display_description)
        : null,
    volume_id: vol.id,
    size: vol.size,
    status: 'creating',
    metadata: stringMap(b.metadata, 'snapshot/metadata'),
    project_id: vol.project_id,
    user_id: caller.userId ?? '',
    created_at: cinderNow(),
    updated_at: null,
  };
  svc.snapshots.set(snap.id, snap);
  svc.cloud.later(svc.cloud.options.actionMs, () => {
    if (snap.status !== 'creating') return;
    snap.status = 'available';
    svc.touch(snap);
  });
  return snap;
}

export function updateSnapshot(
  svc: VolumeService,
  caller: Caller,
  id: string,
  raw: Record<string, unknown>,
): SnapshotRecord {
  const snap = svc.getSnapshot(caller, id);
  const b = raw.snapshot as Record<string, unknown> | undefined;
  if (!b || typeof b !== 'object')
    throw badRequest("Invalid input for field/attribute snapshot. Value: None. None is not of type 'object'");
  if (b.name !== undefined) snap.name = b.name === null ? null : String(b.name);
  if (b.description !== undefined) snap.description = b.description === null ? null : String(b.description);
  if (b.metadata !== undefined) snap.metadata = stringMap(b.metadata, 'snapshot/metadata');
  svc.touch(snap);
  return snap;
}

export function deleteSnapshot(svc: VolumeService, caller: Caller, id: string): void {
  const snap = svc.getSnapshot(caller, id);
  if (snap.status !== 'available' && snap.status !== 'error') {
    throw invalidSnapshot('Volume Snapshot status must be available or error and must not be part of a group.');
  }
  snap.status = 'deleting';
  svc.touch(snap);
  svc.cloud.later(svc.cloud.options.actionMs, () => svc.snapshots.delete(id));
}

export { asBool, stringMap };
