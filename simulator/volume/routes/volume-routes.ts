import { Hono, type Context } from 'hono';
import type { AuthEnv } from '../../core/auth-context';
import { volumeAction } from '../actions';
import { resourceNotFound, volumeNotFound } from '../errors';
import { filterRecords, pageRecords, sortRecords } from '../list';
import { renderVolume, renderVolumeSummary } from '../render';
import type { VolumeService } from '../service';
import { createVolumeFromBody, updateVolume } from '../volumes';
import { bodyOf, reqOf, scoped } from './context';
import { metadataRoutes } from './metadata-routes';

const filters = ['name', 'status', 'bootable', 'availability_zone', 'metadata'];

/** `/v3/{project_id}/volumes[...]`: list, detail, summary, CRUD, actions and metadata. */
export function volumeRoutes(svc: VolumeService): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const list = (detail: boolean) => (c: Context<AuthEnv>) => {
    // Routes are not strict about a trailing slash; Cinder answers `GET /volumes/` (an empty id) with 404.
    if (new URL(c.req.url).pathname.endsWith('/')) throw resourceNotFound();
    const r = reqOf(c);
    const q = c.req.queries();
    let items = scoped([...svc.volumes.values()], c, r.caller);
    items = filterRecords(
      items.map((v) => ({ ...v, bootable: String(v.bootable) })) as unknown as typeof items,
      q,
      filters,
    ).map((v) => svc.volumes.get(v.id)!);
    const page = pageRecords(
      sortRecords(items, q),
      q,
      `${r.projectUrl}/volumes${detail ? '/detail' : ''}`,
      volumeNotFound,
    );
    const body: Record<string, unknown> = {
      volumes: page.items.map((v) =>
        detail ? renderVolume(svc, v, r.mv, r.links, r.caller.isAdmin) : renderVolumeSummary(v, r.links),
      ),
    };
    if (page.links) body.volumes_links = page.links;
    return c.json(body);
  };
  app.get('/v3/:project/volumes', list(false));
  app.get('/v3/:project/volumes/detail', list(true));
  app.get('/v3/:project/volumes/summary', (c) => {
    const r = reqOf(c);
    const vols = scoped([...svc.volumes.values()], c, r.caller);
    const metadata: Record<string, string[]> = {};
    for (const v of vols)
      for (const [k, val] of Object.entries(v.metadata)) if (!(metadata[k] ??= []).includes(val)) metadata[k].push(val);
    const summary: Record<string, unknown> = {
      total_size: vols.reduce((n, v) => n + v.size, 0),
      total_count: vols.length,
    };
    if (r.mv[1] >= 36) summary.metadata = metadata;
    return c.json({ 'volume-summary': summary });
  });
  app.post('/v3/:project/volumes', async (c) => {
    const r = reqOf(c);
    const v = createVolumeFromBody(svc, r.caller, await bodyOf(c));
    return c.json({ volume: renderVolume(svc, v, r.mv, r.links, r.caller.isAdmin, false) }, 202);
  });
  app.get('/v3/:project/volumes/:id', (c) => {
    const r = reqOf(c);
    return c.json({
      volume: renderVolume(svc, svc.getVolume(r.caller, c.req.param('id')), r.mv, r.links, r.caller.isAdmin),
    });
  });
  app.put('/v3/:project/volumes/:id', async (c) => {
    const r = reqOf(c);
    const v = updateVolume(svc, r.caller, c.req.param('id'), await bodyOf(c));
    return c.json({ volume: renderVolume(svc, v, r.mv, r.links, r.caller.isAdmin, false) });
  });
  app.delete('/v3/:project/volumes/:id', (c) => {
    const r = reqOf(c);
    const cascade = (c.req.query('cascade') ?? '').toLowerCase() === 'true';
    svc.deleteVolume(r.caller, c.req.param('id'), cascade);
    return c.body(null, 202);
  });
  app.post('/v3/:project/volumes/:id/action', async (c) => {
    const r = reqOf(c);
    const res = volumeAction(svc, r.caller, c.req.param('id'), await bodyOf(c));
    return res.body ? c.json(res.body as object, res.status) : c.body(null, res.status);
  });

  metadataRoutes(
    app,
    '/v3/:project/volumes',
    (caller, id) => svc.getVolume(caller, id),
    (v) => svc.touch(v),
    (v, key) => volumeNotFound(`${v.id} metadata ${key}`),
  );
  return app;
}
