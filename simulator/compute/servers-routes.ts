import { Hono } from 'hono';
import { readJsonBody } from '../core/http';
import type { ComputeEnv, ComputeContext } from './microversion';
import { requireMv } from './microversion';
import type { ComputeService } from './service';
import { badRequest, conflict, instanceLocked, notFound } from './errors';
import { parseCreate, createServers } from './server-create';
import { queryServers } from './server-query';
import { serverDetailView, serverSummaryView } from './server-view';
import { resourceLinks } from './links';
import { deleteServer } from './server-delete';
import { optAccessIp, optString, rejectUnknown, requireObject, validMetadata, validName } from './validation';
import { checkMetadataQuota } from './quota';
import type { Server } from './model';

const body = (c: ComputeContext) => readJsonBody(c, badRequest);

/** Servers CRUD, metadata and tags. */
export function serversRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const get = (c: ComputeContext) => svc.store.visibleServer(c.req.param('id')!, c.get('auth'));
  const checkLock = (c: ComputeContext, s: Server) => {
    if (s.locked && !c.get('auth').isAdmin) throw instanceLocked(s.id);
  };

  app.post('/servers', async (c) => {
    const spec = parseCreate(c, svc, await body(c));
    const servers = createServers(c, svc, spec);
    if (spec.returnReservationId) return c.json({ reservation_id: servers[0].reservationId }, 202);
    const s = servers[0];
    c.header('Location', resourceLinks(c, 'servers', s.id)[0].href);
    return c.json(
      {
        server: {
          id: s.id,
          links: resourceLinks(c, 'servers', s.id),
          'OS-DCF:diskConfig': 'MANUAL',
          security_groups: s.securityGroups.map((name) => ({ name })),
          adminPass: s.adminPass,
        },
      },
      202,
    );
  });

  app.get('/servers', (c) => {
    const page = queryServers(c, svc, false);
    return c.json({
      servers: page.servers.map((s) => serverSummaryView(c, s)),
      ...(page.nextHref ? { servers_links: [{ rel: 'next', href: page.nextHref }] } : {}),
    });
  });

  app.get('/servers/detail', (c) => {
    const page = queryServers(c, svc, true);
    return c.json({
      servers: page.servers.map((s) => serverDetailView(c, svc, s)),
      ...(page.nextHref ? { servers_links: [{ rel: 'next', href: page.nextHref }] } : {}),
    });
  });

  app.get('/servers/:id', (c) => c.json({ server: serverDetailView(c, svc, get(c)) }));

  app.put('/servers/:id', async (c) => {
    const mv = c.get('mv');
    const s = get(c);
    const u = requireObject(await body(c), 'server');
    rejectUnknown(
      u,
      new Set([
        'name',
        'accessIPv4',
        'accessIPv6',
        'OS-DCF:diskConfig',
        ...(mv >= 19 ? ['description'] : []),
        ...(mv >= 90 ? ['hostname'] : []),
      ]),
      'server',
    );
    if (u.name !== undefined) s.name = validName(u.name);
    if (u.accessIPv4 !== undefined) s.accessIPv4 = optAccessIp(u, 'accessIPv4') ?? '';
    if (u.accessIPv6 !== undefined) s.accessIPv6 = optAccessIp(u, 'accessIPv6') ?? '';
    if (u.description !== undefined) s.description = optString(u, 'description') ?? null;
    if (u.hostname !== undefined) s.hostname = optString(u, 'hostname') ?? s.hostname;
    s.updatedAt = svc.cloud.isoNow();
    return c.json({ server: serverDetailView(c, svc, s, true) });
  });

  app.delete('/servers/:id', (c) => {
    const s = get(c);
    checkLock(c, s);
    if (s.taskState !== 'deleting')
      deleteServer(svc, s, { userId: c.get('auth').userId, requestId: c.get('requestId') });
    return c.body(null, 204);
  });

  // --- metadata
  const setMetadata = (c: ComputeContext, s: Server, md: Record<string, string>) => {
    checkLock(c, s);
    if (s.taskState === 'deleting')
      throw conflict(`Cannot 'update metadata' instance ${s.id} while it is in task_state deleting`);
    checkMetadataQuota(svc, s.projectId, Object.keys(md).length);
    s.metadata = md;
    s.updatedAt = svc.cloud.isoNow();
  };
  app.get('/servers/:id/metadata', (c) => c.json({ metadata: { ...get(c).metadata } }));
  app.put('/servers/:id/metadata', async (c) => {
    const s = get(c);
    const md = validMetadata((await body(c)).metadata);
    setMetadata(c, s, md);
    return c.json({ metadata: md });
  });
  app.post('/servers/:id/metadata', async (c) => {
    const s = get(c);
    const md = validMetadata((await body(c)).metadata);
    setMetadata(c, s, { ...s.metadata, ...md });
    return c.json({ metadata: { ...s.metadata } });
  });
  app.get('/servers/:id/metadata/:key', (c) => {
    const s = get(c);
    const k = c.req.param('key');
    if (!(k in s.metadata)) throw notFound('Metadata item was not found');
    return c.json({ meta: { [k]: s.metadata[k] } });
  });
  app.put('/servers/:id/metadata/:key', async (c) => {
    const s = get(c);
    const k = c.req.param('key');
    const meta = validMetadata((await body(c)).meta, 'meta');
    if (Object.keys(meta).length !== 1) throw badRequest('Request body contains too many items');
    if (!(k in meta)) throw badRequest('Request body and URI mismatch');
    setMetadata(c, s, { ...s.metadata, ...meta });
    return c.json({ meta });
  });
  app.delete('/servers/:id/metadata/:key', (c) => {
    const s = get(c);
    const k = c.req.param('key');
    if (!(k in s.metadata)) throw notFound('Metadata item was not found');
    const { [k]: _gone, ...rest } = s.metadata;
    setMetadata(c, s, rest);
    return c.body(null, 204);
  });

  // --- tags (2.26+)
  const validTag = (t: string) => {
    if (t.length < 1 || t.length > 60 || t.includes('/') || t.includes(','))
      throw badRequest(`Tag '${t}' is invalid. It must be a non-empty string without characters '/' and ','`);
    return t;
  };
  app.get('/servers/:id/tags', (c) => {
    requireMv(c, 26);
    return c.json({ tags: [...get(c).tags] });
  });
  app.put('/servers/:id/tags', async (c) => {
    requireMv(c, 26);
    const s = get(c);
    const tags = (await body(c)).tags;
    if (!Array.isArray(tags)) throw badRequest("Invalid input for field/attribute tags. 'tags' is a required property");
    if (tags.length > 50) throw badRequest('The number of tags exceeded the per-server limit 50');
    s.tags = [...new Set(tags.map((t) => validTag(String(t))))];
    s.updatedAt = svc.cloud.isoNow();
    return c.json({ tags: [...s.tags] });
  });
  app.delete('/servers/:id/tags', (c) => {
    requireMv(c, 26);
    const s = get(c);
    s.tags = [];
    s.updatedAt = svc.cloud.isoNow();
    return c.body(null, 204);
  });
  app.get('/servers/:id/tags/:tag', (c) => {
    requireMv(c, 26);
    const s = get(c);
    if (!s.tags.includes(c.req.param('tag'))) throw notFound(`Tag ${c.req.param('tag')} could not be found.`);
    return c.body(null, 204);
  });
  app.put('/servers/:id/tags/:tag', (c) => {
    requireMv(c, 26);
    const s = get(c);
    const t = validTag(c.req.param('tag'));
    if (!s.tags.includes(t)) {
      if (s.tags.length >= 50) throw badRequest('The number of tags exceeded the per-server limit 50');
      s.tags.push(t);
      s.updatedAt = svc.cloud.isoNow();
      c.header('Location', `${resourceLinks(c, 'servers', s.id)[0].href}/tags/${t}`);
      return c.body(null, 201);
    }
    return c.body(null, 204);
  });
  app.delete('/servers/:id/tags/:tag', (c) => {
    requireMv(c, 26);
    const s = get(c);
    const t = c.req.param('tag');
    if (!s.tags.includes(t)) throw notFound(`Tag ${t} could not be found.`);
    s.tags = s.tags.filter((x) => x !== t);
    s.updatedAt = svc.cloud.isoNow();
    return c.body(null, 204);
  });

  return app;
}
