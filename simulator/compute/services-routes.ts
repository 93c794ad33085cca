import { Hono } from 'hono';
import { readJsonBody } from '../core/http';
import type { ComputeContext, ComputeEnv } from './microversion';
import type { ComputeService } from './service';
import type { Host } from './model';
import { badRequest, conflict, notFound } from './errors';
import { requireAdmin } from './guards';
import { CONTROLLER_HOST } from './store';
import { schemaError } from './validation';

interface ServiceRow {
  seq: number;
  uuid: string;
  binary: string;
  host: string;
  zone: string;
  disabled: boolean;
  disabledReason: string | null;
  forcedDown: boolean;
  up: boolean;
  updatedAt: string;
  compute?: Host;
}

/** os-services: the controller's scheduler/conductor plus one nova-compute per host. */
export function servicesRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const store = svc.store;
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '.000000');

  const rows = (): ServiceRow[] => {
    const now = iso(new Date());
    const ctl = (seq: number, uuid: string, binary: string): ServiceRow => ({
      seq,
      uuid,
      binary,
      host: CONTROLLER_HOST,
      zone: 'internal',
      disabled: false,
      disabledReason: null,
      forcedDown: false,
      up: true,
      updatedAt: now,
    });
    return [
      ctl(1, store.controllerServiceIds.scheduler, 'nova-scheduler'),
      ctl(2, store.controllerServiceIds.conductor, 'nova-conductor'),
      ...[...store.hosts.values()].map((h) => ({
        seq: h.serviceSeq,
        uuid: h.serviceId,
        binary: 'nova-compute',
        host: h.name,
        zone: h.az,
        disabled: h.disabled,
        disabledReason: h.disabledReason,
        forcedDown: h.forcedDown,
        up: store.serviceUp(h),
        updatedAt: iso(store.lastSeen(h)),
        compute: h,
      })),
    ];
  };

  const view = (c: ComputeContext, r: ServiceRow) => ({
    id: c.get('mv') >= 53 ? r.uuid : r.seq,
    binary: r.binary,
    host: r.host,
    zone: r.zone,
    status: r.disabled ? 'disabled' : 'enabled',
    state: r.up ? 'up' : 'down',
    updated_at: r.updatedAt,
    disabled_reason: r.disabledReason,
    ...(c.get('mv') >= 11 ? { forced_down: r.forcedDown } : {}),
  });

  app.get('/os-services', (c) => {
    requireAdmin(c, 'os_compute_api:os-services:list');
    const q = c.req.query();
    const list = rows().filter((r) => (!q.host || r.host === q.host) && (!q.binary || r.binary === q.binary));
    return c.json({ services: list.map((r) => view(c, r)) });
  });

  // 2.53+: update by UUID.
  app.put('/os-services/:id{[0-9a-fA-F-]{36}}', async (c) => {
    requireAdmin(c, 'os_compute_api:os-services:update');
    if (c.get('mv') < 53) throw notFound('The resource could not be found.');
    const id = c.req.param('id');
    const h = [...store.hosts.values()].find((x) => x.serviceId === id);
    if (!h) throw notFound(`Service ${id} could not be found.`);
    const b = await readJsonBody(c, badRequest);
    const extra = Object.keys(b).filter((k) => !['status', 'disabled_reason', 'forced_down'].includes(k));
    if (extra.length || Object.keys(b).length === 0)
      throw badRequest('Invalid input for field/attribute service update.');
    if (b.status !== undefined && b.status !== 'enabled' && b.status !== 'disabled')
      throw schemaError('status', b.status, "is not one of ['enabled', 'disabled']");
    if (b.disabled_reason !== undefined && b.status !== 'disabled')
      throw badRequest("Specifying 'disabled_reason' with status 'enabled' is invalid.");
    if (b.forced_down !== undefined && typeof b.forced_down !== 'boolean')
      throw schemaError('forced_down', b.forced_down, "is not of type 'boolean'");
    if (b.status === 'enabled') {
      h.disabled = false;
      h.disabledReason = null;
    } else if (b.status === 'disabled') {
      h.disabled = true;
      h.disabledReason = typeof b.disabled_reason === 'string' ? b.disabled_reason : null;
    }
    if (typeof b.forced_down === 'boolean') h.forcedDown = b.forced_down;
    return c.json({
      service: view(
        c,
        rows().find((r) => r.uuid === id)!,
      ),
    });
  });

  // < 2.53: enable / disable / disable-log-reason / force-down by host + binary.
  app.put('/os-services/:verb', async (c) => {
    requireAdmin(c, 'os_compute_api:os-services:update');
    const verb = c.req.param('verb');
    const mv = c.get('mv');
    if (mv >= 53 || !['enable', 'disable', 'disable-log-reason', 'force-down'].includes(verb))
      throw notFound('The resource could not be found.');
    if (verb === 'force-down' && mv < 11) throw notFound('The resource could not be found.');
    const b = await readJsonBody(c, badRequest);
    if (typeof b.host !== 'string' || typeof b.binary !== 'string')
      throw badRequest("Invalid input for field/attribute service. 'host' and 'binary' are required properties");
    const h = store.hosts.get(b.host);
    if (!h || b.binary !== 'nova-compute') throw notFound(`Service ${b.binary} on host ${b.host} could not be found.`);
    const out: Record<string, unknown> = { host: h.name, binary: b.binary };
    if (verb === 'enable') {
      h.disabled = false;
      h.disabledReason = null;
      out.status = 'enabled';
    } else if (verb === 'disable' || verb === 'disable-log-reason') {
      h.disabled = true;
      h.disabledReason = verb === 'disable-log-reason' ? String(b.disabled_reason ?? '') : null;
      out.status = 'disabled';
      if (verb === 'disable-log-reason') out.disabled_reason = h.disabledReason;
    } else {
      if (typeof b.forced_down !== 'boolean')
        throw schemaError('forced_down', b.forced_down, "is not of type 'boolean'");
      h.forcedDown = b.forced_down;
      out.forced_down = h.forcedDown;
    }
    return c.json({ service: out });
  });

  app.delete('/os-services/:id', (c) => {
    requireAdmin(c, 'os_compute_api:os-services:delete');
    const id = c.req.param('id');
    const h = [...store.hosts.values()].find((x) => x.serviceId === id || String(x.serviceSeq) === id);
    if (!h) throw notFound(`Service ${id} could not be found.`);
    if (h.servers.size > 0)
      throw conflict(
        `Unable to delete compute service that is hosting instances. Migrate or delete the instances first.`,
      );
    // As Nova does, the host leaves its aggregates with its service.
    for (const agg of store.aggregates.values()) agg.hosts = agg.hosts.filter((x) => x !== h.name);
    store.hosts.delete(h.name);
    return c.body(null, 204);
  });
  return app;
}
