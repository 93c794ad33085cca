import { Hono } from 'hono';
import { readJsonBody } from '../core/http';
import type { ComputeContext, ComputeEnv } from './microversion';
import type { ComputeService } from './service';
import type { Aggregate } from './model';
import { badRequest, conflict, notFound } from './errors';
import { requireAdmin } from './guards';
import { CONTROLLER_HOST } from './store';
import { requireObject, validMetadata } from './validation';

/** os-availability-zone and os-aggregates (hosts, metadata, AZ via aggregate metadata). */
export function zonesRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const store = svc.store;

  app.get('/os-availability-zone', (c) => {
    const zones = new Map<string, boolean>();
    for (const h of store.hosts.values())
      zones.set(h.az, (zones.get(h.az) ?? false) || (store.serviceUp(h) && !h.disabled));
    return c.json({
      availabilityZoneInfo: [...zones].map(([zoneName, available]) => ({
        zoneName,
        zoneState: { available },
        hosts: null,
      })),
    });
  });
  app.get('/os-availability-zone/detail', (c) => {
    requireAdmin(c, 'os_compute_api:os-availability-zone:detail');
    const info: Array<Record<string, unknown>> = [];
    const iso = new Date().toISOString().replace(/\.\d{3}Z$/, '.000000');
    info.push({
      zoneName: 'internal',
      zoneState: { available: true },
      hosts: {
        [CONTROLLER_HOST]: {
          'nova-scheduler': { available: true, active: true, updated_at: iso },
          'nova-conductor': { available: true, active: true, updated_at: iso },
        },
      },
    });
    const byZone = new Map<string, Record<string, unknown>>();
    for (const h of store.hosts.values()) {
      const hosts = byZone.get(h.az) ?? {};
      hosts[h.name] = {
        'nova-compute': {
          available: store.serviceUp(h),
          active: !h.disabled,
          updated_at: store
            .lastSeen(h)
            .toISOString()
            .replace(/\.\d{3}Z$/, '.000000'),
        },
      };
      byZone.set(h.az, hosts);
    }
    for (const [zoneName, hosts] of byZone) info.push({ zoneName, zoneState: { available: true }, hosts });
    return c.json({ availabilityZoneInfo: info });
  });

  const view = (c: ComputeContext, a: Aggregate) => ({
    id: a.id,
    name: a.name,
    availability_zone: a.az,
    hosts: [...a.hosts],
    metadata: { ...a.metadata, ...(a.az ? { availability_zone: a.az } : {}) },
    created_at: a.createdAt.replace(/Z$/, '.000000'),
    updated_at: a.updatedAt?.replace(/Z$/, '.000000') ?? null,
    deleted: false,
    deleted_at: null,
    ...(c.get('mv') >= 41 ? { uuid: a.uuid } : {}),
  });
  const get = (id: string) => {
    const a = store.aggregates.get(Number(id));
    if (!a) throw notFound(`Aggregate ${id} could not be found.`);
    return a;
  };
  const applyAz = (a: Aggregate) => {
    for (const name of a.hosts) {
      const h = store.hosts.get(name);
      if (h) h.az = a.az ?? 'nova';
    }
  };

  app.get('/os-aggregates', (c) => {
    requireAdmin(c, 'os_compute_api:os-aggregates:index');
    return c.json({ aggregates: [...store.aggregates.values()].map((a) => view(c, a)) });
  });
  app.post('/os-aggregates', async (c) => {
    requireAdmin(c, 'os_compute_api:os-aggregates:create');
    const b = requireObject(await readJsonBody(c, badRequest), 'aggregate');
    if (typeof b.name !== 'string' || !b.name.trim())
      throw badRequest("Invalid input for field/attribute aggregate. 'name' is a required property");
    for (const a of store.aggregates.values())
      if (a.name === b.name) throw conflict(`Aggregate ${b.name} already exists.`);
    const a: Aggregate = {
      id: ++store.seq.aggregate,
      uuid: svc.cloud.newId(),
      name: b.name,
      az: typeof b.availability_zone === 'string' ? b.availability_zone : null,
      hosts: [],
      metadata: {},
      createdAt: svc.cloud.isoNow(),
      updatedAt: null,
    };
    store.aggregates.set(a.id, a);
    const v = view(c, a) as Record<string, unknown>;
    delete v.hosts;
    delete v.metadata;
    return c.json({ aggregate: v });
  });
  app.get('/os-aggregates/:id', (c) => {
    requireAdmin(c, 'os_compute_api:os-aggregates:show');
    return c.json({ aggregate: view(c, get(c.req.param('id'))) });
  });
  app.put('/os-aggregates/:id', async (c) => {
    requireAdmin(c, 'os_compute_api:os-aggregates:update');
    const a = get(c.req.param('id'));
    const b = requireObject(await readJsonBody(c, badRequest), 'aggregate');
    if (typeof b.name === 'string') a.name = b.name;
    if ('availability_zone' in b) {
      a.az = typeof b.availability_zone === 'string' ? b.availability_zone : null;
      applyAz(a);
    }
    a.updatedAt = svc.cloud.isoNow();
    return c.json({ aggregate: view(c, a) });
  });
  app.delete('/os-aggregates/:id', (c) => {
    requireAdmin(c, 'os_compute_api:os-aggregates:delete');
    const a = get(c.req.param('id'));
    if (a.hosts.length) throw badRequest(`Cannot remove aggregate ${a.id}: it still has hosts.`);
    store.aggregates.delete(a.id);
    return c.body(null, 200);
  });
  app.post('/os-aggregates/:id/action', async (c) => {
    requireAdmin(c, 'os_compute_api:os-aggregates:add_host');
    const a = get(c.req.param('id'));
    const b = await readJsonBody(c, badRequest);
    if (b.add_host) {
      const host = String((b.add_host as Record<string, unknown>).host);
      if (!store.hosts.has(host)) throw notFound(`Compute host ${host} could not be found.`);
      if (a.hosts.includes(host)) throw conflict(`Aggregate ${a.id} already has host ${host}.`);
      a.hosts.push(host);
      if (a.az) applyAz(a);
    } else if (b.remove_host) {
      const host = String((b.remove_host as Record<string, unknown>).host);
      if (!a.hosts.includes(host)) throw notFound(`Cannot remove host ${host} in aggregate ${a.id}`);
      a.hosts = a.hosts.filter((h) => h !== host);
      const h = store.hosts.get(host);
      if (h && a.az) h.az = 'nova';
    } else if (b.set_metadata) {
      const md = (b.set_metadata as Record<string, unknown>).metadata as Record<string, unknown>;
      for (const [k, v] of Object.entries(md ?? {})) {
        if (v === null) delete a.metadata[k];
        else a.metadata[k] = String(v);
      }
      if ('availability_zone' in (md ?? {})) {
        a.az = md.availability_zone === null ? null : String(md.availability_zone);
        delete a.metadata.availability_zone;
        applyAz(a);
      }
      validMetadata(a.metadata);
    } else throw badRequest('Invalid request body');
    a.updatedAt = svc.cloud.isoNow();
    return c.json({ aggregate: view(c, a) });
  });
  return app;
}
