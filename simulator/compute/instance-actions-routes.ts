import { Hono } from 'hono';
import type { ComputeContext, ComputeEnv } from './microversion';
import type { ComputeService } from './service';
import type { InstanceAction } from './model';
import { notFound } from './errors';

const nova = (iso: string | null) => (iso ? iso.replace(/Z$/, '.000000') : null);

/** os-instance-actions: the record of what happened to a server (kept after delete for admins). */
export function instanceActionsRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const serverOf = (c: ComputeContext) => {
    const id = c.req.param('id')!;
    const s = svc.store.servers.get(id);
    const auth = c.get('auth');
    // Nova 2.21+ shows actions of deleted servers.
    if (!s || (!auth.isAdmin && s.projectId !== auth.projectId) || (s.deleted && c.get('mv') < 21))
      throw notFound(`Instance ${id} could not be found.`);
    return s;
  };
  const view = (c: ComputeContext, a: InstanceAction) => ({
    action: a.action,
    instance_uuid: a.serverId,
    message: a.message,
    project_id: a.projectId,
    request_id: a.requestId,
    start_time: nova(a.startTime),
    user_id: a.userId,
    ...(c.get('mv') >= 58 ? { updated_at: nova(a.updatedAt) } : {}),
  });
  app.get('/servers/:id/os-instance-actions', (c) => {
    const s = serverOf(c);
    let list = [...(svc.store.actions.get(s.id) ?? [])].reverse();
    const q = c.req.query();
    if (c.get('mv') >= 58) {
      if (q['changes-since']) list = list.filter((a) => Date.parse(a.updatedAt) >= Date.parse(q['changes-since']));
      if (q.marker) {
        const i = list.findIndex((a) => a.requestId === q.marker);
        if (i < 0) throw notFound(`Marker ${q.marker} could not be found.`);
        list = list.slice(i + 1);
      }
      if (q.limit) list = list.slice(0, Number(q.limit));
    }
    return c.json({ instanceActions: list.map((a) => view(c, a)) });
  });
  app.get('/servers/:id/os-instance-actions/:req', (c) => {
    const s = serverOf(c);
    const a = (svc.store.actions.get(s.id) ?? []).find((x) => x.requestId === c.req.param('req'));
    if (!a) throw notFound(`Action for request_id ${c.req.param('req')} on instance ${s.id} not found`);
    const admin = c.get('auth').isAdmin;
    const mv = c.get('mv');
    return c.json({
      instanceAction: {
        ...view(c, a),
        events: a.events.map((e) => ({
          event: e.event,
          start_time: nova(e.startTime),
          finish_time: nova(e.finishTime),
          result: e.result,
          ...(admin ? { traceback: null } : {}),
          ...(mv >= 62 ? { hostId: '', ...(admin ? { host: e.host ?? '' } : {}) } : {}),
          ...(mv >= 84 && admin ? { details: null } : {}),
        })),
      },
    });
  });
  return app;
}
