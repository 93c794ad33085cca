import { Hono } from 'hono';
import { readJsonBody } from '../core/http';
import type { ComputeContext, ComputeEnv } from './microversion';
import { requireMv } from './microversion';
import type { ComputeService } from './service';
import type { Migration } from './model';
import { badRequest, notFound } from './errors';
import { requireAdmin } from './guards';
import { computeBase } from './links';
import { abortLiveMigration, forceCompleteLiveMigration } from './migration-actions';

const IN_PROGRESS = ['queued', 'preparing', 'running', 'post-migrating'];
const nova = (iso: string) => iso.replace(/Z$/, '.000000');

/** os-migrations (admin) and /servers/{id}/migrations (in-progress live migrations). */
export function migrationsRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const store = svc.store;

  const listView = (c: ComputeContext, m: Migration) => {
    const mv = c.get('mv');
    const v: Record<string, unknown> = {
      id: m.id,
      created_at: nova(m.createdAt),
      updated_at: nova(m.updatedAt),
      dest_compute: m.destCompute,
      dest_host: m.destCompute ? (store.hosts.get(m.destCompute)?.hostIp ?? null) : null,
      dest_node: m.destCompute,
      source_compute: m.sourceCompute,
      source_node: m.sourceCompute,
      source_region: svc.cloud.options.region,
      dest_region: svc.cloud.options.region,
      instance_uuid: m.serverId,
      old_instance_type_id: Number(m.oldFlavorId) || 1,
      new_instance_type_id: Number(m.newFlavorId) || 1,
      status: m.status,
    };
    if (mv >= 23) {
      v.migration_type = m.type;
      if (m.type === 'live-migration' && IN_PROGRESS.includes(m.status))
        v.links = [
          { rel: 'self', href: `${computeBase(c)}/servers/${m.serverId}/migrations/${m.id}` },
          {
            rel: 'bookmark',
            href: `${computeBase(c).replace(/\/v2\.1$/, '')}/servers/${m.serverId}/migrations/${m.id}`,
          },
        ];
    }
    if (mv >= 59) v.uuid = m.uuid;
    if (mv >= 80) Object.assign(v, { user_id: m.userId, project_id: m.projectId });
    return v;
  };

  app.get('/os-migrations', (c) => {
    requireAdmin(c, 'os_compute_api:os-migrations:index');
    const mv = c.get('mv');
    const q = c.req.query();
    let list = [...store.migrations.values()].reverse();
    list = list.filter(
      (m) =>
        (!q.host || m.sourceCompute === q.host || m.destCompute === q.host) &&
        (!q.status || m.status === q.status) &&
        (!q.instance_uuid || m.serverId === q.instance_uuid) &&
        (!q.migration_type || m.type === q.migration_type) &&
        (!q.source_compute || m.sourceCompute === q.source_compute) &&
        (mv < 59 || !q['changes-since'] || Date.parse(m.updatedAt) >= Date.parse(q['changes-since'])) &&
        (mv < 80 || !q.user_id || m.userId === q.user_id) &&
        (mv < 80 || !q.project_id || m.projectId === q.project_id),
    );
    if (mv >= 59 && q.marker) {
      const i = list.findIndex((m) => m.uuid === q.marker);
      if (i < 0) throw badRequest(`Marker ${q.marker} could not be found.`);
      list = list.slice(i + 1);
    }
    const limit = mv >= 59 && q.limit ? Number(q.limit) : undefined;
    const page = limit !== undefined ? list.slice(0, limit) : list;
    const body: Record<string, unknown> = { migrations: page.map((m) => listView(c, m)) };
    if (limit !== undefined && page.length === limit && page.length < list.length)
      body.migrations_links = [
        { rel: 'next', href: `${computeBase(c)}/os-migrations?limit=${limit}&marker=${page[page.length - 1].uuid}` },
      ];
    return c.json(body);
  });

  const serverView = (c: ComputeContext, m: Migration) => {
    const mv = c.get('mv');
    return {
      id: m.id,
      server_uuid: m.serverId,
      created_at: nova(m.createdAt),
      updated_at: nova(m.updatedAt),
      dest_compute: m.destCompute,
      dest_host: m.destCompute ? (store.hosts.get(m.destCompute)?.hostIp ?? null) : null,
      dest_node: m.destCompute,
      source_compute: m.sourceCompute,
      source_node: m.sourceCompute,
      status: m.status,
      memory_total_bytes: m.memoryTotal,
      memory_processed_bytes: m.memoryProcessed,
      memory_remaining_bytes:
        m.memoryTotal !== null && m.memoryProcessed !== null ? m.memoryTotal - m.memoryProcessed : null,
      disk_total_bytes: m.diskTotal,
      disk_processed_bytes: m.diskProcessed,
      disk_remaining_bytes: m.diskTotal !== null && m.diskProcessed !== null ? m.diskTotal - m.diskProcessed : null,
      ...(mv >= 59 ? { uuid: m.uuid } : {}),
      ...(mv >= 80 ? { user_id: m.userId, project_id: m.projectId } : {}),
    };
  };
  const inProgressLive = (serverId: string) =>
    [...store.migrations.values()].filter(
      (m) => m.serverId === serverId && m.type === 'live-migration' && IN_PROGRESS.includes(m.status),
    );

  app.get('/servers/:id/migrations', (c) => {
    requireMv(c, 23);
    requireAdmin(c, 'os_compute_api:servers:migrations:index');
    const s = store.visibleServer(c.req.param('id'), c.get('auth'));
    return c.json({ migrations: inProgressLive(s.id).map((m) => serverView(c, m)) });
  });
  app.get('/servers/:id/migrations/:mid', (c) => {
    requireMv(c, 23);
    requireAdmin(c, 'os_compute_api:servers:migrations:show');
    const s = store.visibleServer(c.req.param('id'), c.get('auth'));
    const mid = Number(c.req.param('mid'));
    const m = inProgressLive(s.id).find((x) => x.id === mid);
    if (!m) throw notFound(`In-progress live migration ${c.req.param('mid')} is not found for server ${s.id}.`);
    return c.json({ migration: serverView(c, m) });
  });
  app.delete('/servers/:id/migrations/:mid', (c) => {
    requireMv(c, 24);
    requireAdmin(c, 'os_compute_api:servers:migrations:delete');
    const s = store.visibleServer(c.req.param('id'), c.get('auth'));
    abortLiveMigration(svc, s, Number(c.req.param('mid')), c.get('mv'));
    return c.body(null, 202);
  });
  app.post('/servers/:id/migrations/:mid/action', async (c) => {
    requireMv(c, 22);
    requireAdmin(c, 'os_compute_api:servers:migrations:force_complete');
    const s = store.visibleServer(c.req.param('id'), c.get('auth'));
    const b = await readJsonBody(c, badRequest);
    if (!('force_complete' in b)) throw badRequest('There is no such action: ' + Object.keys(b)[0]);
    forceCompleteLiveMigration(svc, s, Number(c.req.param('mid')));
    return c.body(null, 202);
  });
  return app;
}
