import { Hono } from 'hono';
import { readJsonBody } from '../core/http';
import type { ComputeContext, ComputeEnv } from './microversion';
import type { ComputeService } from './service';
import type { Server, ServerVolume } from './model';
import { badRequest, notFound } from './errors';
import { guard } from './guards';
import { VmState } from './state-map';
import { isUuid, requireObject, rejectUnknown } from './validation';
import { nextDevice } from './server-create';

const ATTACH_STATES = [
  VmState.ACTIVE,
  VmState.PAUSED,
  VmState.STOPPED,
  VmState.SUSPENDED,
  VmState.SHELVED,
  VmState.SHELVED_OFFLOADED,
  VmState.RESIZED,
];

/** /servers/{id}/os-volume_attachments, kept consistent with Cinder through the volume module. */
export function volumeAttachmentsRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const server = (c: ComputeContext) => svc.store.visibleServer(c.req.param('id')!, c.get('auth'));
  const view = (c: ComputeContext, s: Server, v: ServerVolume) => {
    const mv = c.get('mv');
    return {
      ...(mv < 89 ? { id: v.volumeId } : {}),
      serverId: s.id,
      volumeId: v.volumeId,
      device: v.device,
      ...(mv >= 70 ? { tag: v.tag ?? null } : {}),
      ...(mv >= 79 ? { delete_on_termination: v.deleteOnTermination } : {}),
      ...(mv >= 89 ? { attachment_id: v.attachmentId, bdm_uuid: v.attachmentId } : {}),
    };
  };
  const find = (s: Server, volumeId: string) => {
    const v = s.volumes.find((x) => x.volumeId === volumeId);
    if (!v) throw notFound(`Volume ${volumeId} is not attached to the instance ${s.id}`);
    return v;
  };

  app.get('/servers/:id/os-volume_attachments', (c) => {
    const s = server(c);
    return c.json({ volumeAttachments: s.volumes.map((v) => view(c, s, v)) });
  });
  app.get('/servers/:id/os-volume_attachments/:vid', (c) => {
    const s = server(c);
    return c.json({ volumeAttachment: view(c, s, find(s, c.req.param('vid'))) });
  });
  app.post('/servers/:id/os-volume_attachments', async (c) => {
    const mv = c.get('mv');
    const s = server(c);
    const va = requireObject(await readJsonBody(c, badRequest), 'volumeAttachment');
    rejectUnknown(
      va,
      new Set(['volumeId', 'device', ...(mv >= 49 ? ['tag'] : []), ...(mv >= 79 ? ['delete_on_termination'] : [])]),
      'volumeAttachment',
    );
    if (!isUuid(va.volumeId))
      throw badRequest(
        `Invalid input for field/attribute volumeId. Value: ${String(va.volumeId)}. '${String(va.volumeId)}' is not a 'uuid'`,
      );
    guard(c, s, 'attach_volume', ATTACH_STATES);
    if (s.volumes.some((v) => v.volumeId === va.volumeId))
      throw badRequest(`Invalid volume: volume ${va.volumeId} already attached`);
    const info = svc.blockStorage.find(c.get('auth'), va.volumeId as string);
    if (!info) throw notFound(`Volume ${va.volumeId} could not be found.`);
    if (info.status !== 'available')
      throw badRequest(
        `Invalid volume: volume ${va.volumeId} status must be available, but current status is: ${info.status}.`,
      );
    const device = typeof va.device === 'string' && va.device ? va.device : nextDevice(s);
    const attachmentId = svc.blockStorage.attach(c.get('auth'), info.id, s.id, s.host, device);
    const v: ServerVolume = {
      volumeId: info.id,
      attachmentId,
      device,
      deleteOnTermination: va.delete_on_termination === true,
      bootIndex: null,
      tag: typeof va.tag === 'string' ? va.tag : undefined,
    };
    s.volumes.push(v);
    svc.store.recordAction(s, 'attach_volume', { userId: c.get('auth').userId, requestId: c.get('requestId') });
    return c.json({ volumeAttachment: view(c, s, v) });
  });
  app.delete('/servers/:id/os-volume_attachments/:vid', (c) => {
    const s = server(c);
    const v = find(s, c.req.param('vid'));
    guard(c, s, 'detach_volume', ATTACH_STATES);
    if (v.bootIndex === 0) throw badRequest('Cannot detach a root device volume');
    svc.blockStorage.detach(v.volumeId, s.id);
    s.volumes = s.volumes.filter((x) => x !== v);
    svc.store.recordAction(s, 'detach_volume', { userId: c.get('auth').userId, requestId: c.get('requestId') });
    return c.body(null, 202);
  });
  return app;
}
