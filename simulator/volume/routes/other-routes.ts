import { Hono, type Context } from 'hono';
import type { AuthEnv } from '../../core/auth-context';
import { novaError } from '../../core/errors';
import { completeAttachment, createAttachment, deleteAttachment, updateAttachment } from '../attachments';
import { attachmentNotFound, badRequest, snapshotMetadataNotFound, snapshotNotFound } from '../errors';
import { filterRecords, pageRecords, sortRecords } from '../list';
import { atLeast } from '../microversion';
import { absoluteLimits, defaultQuotaSet, resetQuotaSet, showQuotaSet, updateQuotaSet } from '../quotas';
import { renderAttachment, renderSnapshot } from '../render';
import type { VolumeService } from '../service';
import { createSnapshot, deleteSnapshot, updateSnapshot } from '../snapshots';
import { bodyOf, reqOf, scoped } from './context';
import { metadataRoutes } from './metadata-routes';

/** Snapshots, attachments (3.27+), quota sets, limits and availability zones. */
export function otherRoutes(svc: VolumeService): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  const listSnapshots = (detail: boolean) => (c: Context<AuthEnv>) => {
    const r = reqOf(c);
    const q = c.req.queries();
    const items = filterRecords(scoped([...svc.snapshots.values()], c, r.caller), q, [
      'name',
      'status',
      'volume_id',
      'metadata',
    ]);
    const page = pageRecords(
      sortRecords(items, q),
      q,
      `${r.projectUrl}/snapshots${detail ? '/detail' : ''}`,
      snapshotNotFound,
    );
    const body: Record<string, unknown> = { snapshots: page.items.map((s) => renderSnapshot(s, r.mv, detail)) };
    if (page.links) body.snapshots_links = page.links;
    return c.json(body);
  };
  app.get('/v3/:project/snapshots', listSnapshots(false));
  app.get('/v3/:project/snapshots/detail', listSnapshots(true));
  app.post('/v3/:project/snapshots', async (c) => {
    const r = reqOf(c);
    return c.json({ snapshot: renderSnapshot(createSnapshot(svc, r.caller, await bodyOf(c)), r.mv, false) }, 202);
  });
  app.get('/v3/:project/snapshots/:id', (c) => {
    const r = reqOf(c);
    return c.json({ snapshot: renderSnapshot(svc.getSnapshot(r.caller, c.req.param('id')), r.mv) });
  });
  app.put('/v3/:project/snapshots/:id', async (c) => {
    const r = reqOf(c);
    return c.json({
      snapshot: renderSnapshot(updateSnapshot(svc, r.caller, c.req.param('id'), await bodyOf(c)), r.mv, false),
    });
  });
  metadataRoutes(
    app,
    '/v3/:project/snapshots',
    (caller, id) => svc.getSnapshot(caller, id),
    (s) => svc.touch(s),
    (s, key) => snapshotMetadataNotFound(s.id, key),
  );
  app.delete('/v3/:project/snapshots/:id', (c) => {
    deleteSnapshot(svc, reqOf(c).caller, c.req.param('id'));
    return c.body(null, 202);
  });

  // Attachments exist from 3.27 on; below that Cinder answers 404 for the whole resource.
  const attachReq = (c: Context<AuthEnv>) => {
    const r = reqOf(c);
    if (!atLeast(r.mv, 27)) throw novaError(404, `API version ${r.mv.join('.')} is not supported on this method.`);
    return r;
  };
  const listAttachments = (detail: boolean) => (c: Context<AuthEnv>) => {
    const r = attachReq(c);
    const q = c.req.queries();
    const items = filterRecords(scoped([...svc.attachments.values()], c, r.caller), q, [
      'volume_id',
      'instance_id',
      'status',
    ]);
    const sorted = items.map((a) => ({ ...a, created_at: a.attached_at ?? '' }));
    const page = pageRecords(
      sortRecords(sorted, q),
      q,
      `${r.projectUrl}/attachments${detail ? '/detail' : ''}`,
      attachmentNotFound,
    );
    const body: Record<string, unknown> = {
      attachments: page.items.map((a) => renderAttachment(svc.attachments.get(a.id)!, detail)),
    };
    if (page.links) body.attachments_links = page.links;
    return c.json(body);
  };
  app.get('/v3/:project/attachments', listAttachments(false));
  app.get('/v3/:project/attachments/detail', listAttachments(true));
  app.post('/v3/:project/attachments', async (c) => {
    const r = attachReq(c);
    return c.json({ attachment: renderAttachment(createAttachment(svc, r.caller, await bodyOf(c))) }, 200);
  });
  app.get('/v3/:project/attachments/:id', (c) =>
    c.json({ attachment: renderAttachment(svc.getAttachment(attachReq(c).caller, c.req.param('id'))) }),
  );
  app.put('/v3/:project/attachments/:id', async (c) => {
    const r = attachReq(c);
    return c.json({
      attachment: renderAttachment(updateAttachment(svc, r.caller, c.req.param('id'), await bodyOf(c))),
    });
  });
  app.post('/v3/:project/attachments/:id/action', async (c) => {
    const r = attachReq(c);
    const body = await bodyOf(c);
    if (!('os-complete' in body)) throw badRequest(`There is no such action: ${Object.keys(body)[0] ?? ''}`);
    if (!atLeast(r.mv, 44)) throw novaError(404, `API version ${r.mv.join('.')} is not supported on this method.`);
    completeAttachment(svc, r.caller, c.req.param('id'));
    return c.body(null, 204);
  });
  app.delete('/v3/:project/attachments/:id', (c) => {
    deleteAttachment(svc, attachReq(c).caller, c.req.param('id'));
    return c.body(null, 204);
  });

  app.get('/v3/:project/os-quota-sets/:target/defaults', (c) => {
    reqOf(c);
    return c.json({ quota_set: defaultQuotaSet(c.req.param('target')) });
  });
  app.get('/v3/:project/os-quota-sets/:target', (c) => {
    const usage = (c.req.query('usage') ?? '').toLowerCase() === 'true';
    return c.json({ quota_set: showQuotaSet(svc, reqOf(c).caller, c.req.param('target'), usage) });
  });
  app.put('/v3/:project/os-quota-sets/:target', async (c) => {
    const r = reqOf(c);
    return c.json({ quota_set: updateQuotaSet(svc, r.caller, c.req.param('target'), await bodyOf(c)) });
  });
  app.delete('/v3/:project/os-quota-sets/:target', (c) => {
    resetQuotaSet(svc, reqOf(c).caller, c.req.param('target'));
    return c.body(null, 200);
  });
  app.get('/v3/:project/limits', (c) => c.json(absoluteLimits(svc, reqOf(c).caller.projectId)));
  app.get('/v3/:project/os-availability-zone', (c) => {
    reqOf(c);
    return c.json({ availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true } }] });
  });
  return app;
}
