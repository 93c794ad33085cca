import { badRequest } from './errors';
import type { AttachmentRecord, Caller } from './model';
import type { VolumeService } from './service';

function attachmentBody(raw: Record<string, unknown>): Record<string, unknown> {
  const b = raw.attachment;
  if (!b || typeof b !== 'object' || Array.isArray(b))
    throw badRequest("Invalid input for field/attribute attachment. Value: None. None is not of type 'object'");
  return b as Record<string, unknown>;
}

/** `POST /attachments` (3.27+): reserves the volume; with a connector it goes straight to attaching. */
export function createAttachment(svc: VolumeService, caller: Caller, raw: Record<string, unknown>): AttachmentRecord {
  const b = attachmentBody(raw);
  if (typeof b.volume_uuid !== 'string')
    throw badRequest("Invalid input for field/attribute attachment. 'volume_uuid' is a required property");
  const server = typeof b.instance_uuid === 'string' ? b.instance_uuid : '';
  const att = svc.reserveVolume(caller, b.volume_uuid, server);
  if (b.mode === 'ro' || b.mode === 'rw') att.attach_mode = b.mode;
  if (b.connector && typeof b.connector === 'object')
    svc.connectAttachment(att, b.connector as Record<string, unknown>);
  return att;
}

export function updateAttachment(
  svc: VolumeService,
  caller: Caller,
  id: string,
  raw: Record<string, unknown>,
): AttachmentRecord {
  const att = svc.getAttachment(caller, id);
  const b = attachmentBody(raw);
  if (!b.connector || typeof b.connector !== 'object')
    throw badRequest("Invalid input for field/attribute attachment. 'connector' is a required property");
  svc.connectAttachment(att, b.connector as Record<string, unknown>);
  return att;
}

/** `os-complete` (3.44): the volume is now in use by the instance. */
export function completeAttachment(svc: VolumeService, caller: Caller, id: string): void {
  const att = svc.getAttachment(caller, id);
  svc.attachVolume(att.id);
}

export function deleteAttachment(svc: VolumeService, caller: Caller, id: string): void {
  svc.removeAttachment(svc.getAttachment(caller, id));
}
