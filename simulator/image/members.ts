import { glanceError } from './errors';
import type { Caller, ImageMember } from './model';
import type { ImageService } from './service';

/** Image sharing: the owner adds and removes members; each member accepts or rejects for itself. */
export function listMembers(svc: ImageService, caller: Caller, imageId: string): ImageMember[] {
  const img = svc.getImage(caller, imageId);
  if (img.visibility !== 'shared') throw glanceError(403, 'Only shared images have members.');
  const all = svc.members.get(imageId) ?? [];
  return caller.isAdmin || img.owner === caller.projectId ? all : all.filter((m) => m.member_id === caller.projectId);
}

export function getMember(svc: ImageService, caller: Caller, imageId: string, memberId: string): ImageMember {
  const m = listMembers(svc, caller, imageId).find((x) => x.member_id === memberId);
  if (!m) throw glanceError(404, `Member ${memberId} not found`);
  return m;
}

export function addMember(svc: ImageService, caller: Caller, imageId: string, body: unknown): ImageMember {
  const img = svc.getOwned(caller, imageId, 'add_member');
  if (img.visibility !== 'shared') throw glanceError(403, 'Only shared images have members.');
  const memberId = (body as { member?: unknown } | null)?.member;
  if (typeof memberId !== 'string' || !memberId) throw glanceError(400, 'Member to be added not specified');
  const list = svc.members.get(imageId) ?? [];
  if (list.some((m) => m.member_id === memberId))
    throw glanceError(409, `Member ${memberId} already associated with image ${imageId}`);
  const now = svc.cloud.isoNow();
  const member: ImageMember = {
    image_id: imageId,
    member_id: memberId,
    status: 'pending',
    created_at: now,
    updated_at: now,
  };
  svc.members.set(imageId, [...list, member]);
  return member;
}

export function updateMember(
  svc: ImageService,
  caller: Caller,
  imageId: string,
  memberId: string,
  body: unknown,
): ImageMember {
  const m = getMember(svc, caller, imageId, memberId);
  if (!caller.isAdmin && caller.projectId !== memberId)
    throw glanceError(403, 'You are not permitted to modify the status of this member.');
  const status = (body as { status?: unknown } | null)?.status;
  if (status !== 'pending' && status !== 'accepted' && status !== 'rejected')
    throw glanceError(400, `Invalid status: ${String(status)}`);
  m.status = status;
  m.updated_at = svc.cloud.isoNow();
  return m;
}

export function removeMember(svc: ImageService, caller: Caller, imageId: string, memberId: string): void {
  svc.getOwned(caller, imageId, 'delete_member');
  getMember(svc, caller, imageId, memberId);
  svc.members.set(
    imageId,
    (svc.members.get(imageId) ?? []).filter((m) => m.member_id !== memberId),
  );
}
