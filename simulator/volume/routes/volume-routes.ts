import { Hono, type Context } from 'hono';
import type { AuthEnv } from '../../core/auth-context';
import { volumeAction } from '../actions';
import { badRequest, volumeNotFound } from '../errors';
import { filterRecords, pageRecords, sortRecords } from '../list';
import { renderVolume, renderVolumeSummary } from '../render';
import type { VolumeService } from '../service';
import { createVolumeFromBody, updateVolume } from '../volumes';
import { bodyOf, reqOf, scoped } from './context';

const filters = ['name', 'status', 'bootable', 'availability_zone', 'metadata'];

/** `/v3/{project_id}/volumes[...]`: list, detail, summary, CRUD, actions and metadata. */
export function volumeRoutes(svc: VolumeService): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const list = (detail: boolean) => (c: Context<AuthEnv>) => {
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
      for (const [k, val] of Object.entries(v.metadata)) (metadata[k] ??= []).includes(val) || metadata[k].push(val);
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

  const meta = (c: Context<AuthEnv>) => svc.getVolume(reqOf(c).caller, c.req.param('id')!);
  const metaBody = async (c: Context<AuthEnv>, key: 'metadata' | 'meta') => {
    const b = (await bodyOf(c))[key];
    if (!b || typeof b !== 'object' || Array.isArray(b)) throw badRequest('Malformed request body');
    return Object.fromEntries(Object.entries(b).map(([k, v]) => [k, String(v)]));
  };
  app.get('/v3/:project/volumes/:id/metadata', (c) => c.json({ metadata: meta(c).metadata }));
  app.post('/v3/:project/volumes/:id/metadata', async (c) => {
    const v = meta(c);
    v.metadata = { ...v.metadata, ...(await metaBody(c, 'metadata')) };
    svc.touch(v);
    return c.json({ metadata: v.metadata });
  });
  app.put('/v3/:project/volumes/:id/metadata', async (c) => {
    const v = meta(c);
    v.metadata = await metaBody(c, 'metadata');
    svc.touch(v);
    return c.json({ metadata: v.metadata });
  });
  app.get('/v3/:project/volumes/:id/metadata/:key', (c) => {
    const v = meta(c);
    const key = c.req.param('key');
    if (!(key in v.metadata)) throw volumeNotFound(`${v.id} metadata ${key}`);
    return c.json({ meta: { [key]: v.metadata[key] } });
  });
  app.put('/v3/:project/volumes/:id/metadata/:key', async (c) => {
    const v = meta(c);
    const m = await metaBody(c, 'meta');
    const key = c.req.param('key');
    if (Object.keys(m).length !== 1 || !(key in m)) throw badRequest('Request body and URI mismatch');
    v.metadata = { ...v.metadata, ...m };
    svc.touch(v);
    return c.json({ meta: m });
  });
  app.delete('/v3/:project/volumes/:id/metadata/:key', (c) => {
    const v = meta(c);
    const key = c.req.param('key');
    if (!(key in v.metadata)) throw volumeNotFound(`${v.id} metadata ${key}`);
    const { [key]: _gone, ...rest } = v.metadata;
    v.metadata = rest;
    svc.touch(v);
    return c.body(null, 200);
  });
  return app;
}
