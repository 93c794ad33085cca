import { Hono } from 'hono';
import type { AuthEnv } from '../../core/auth-context';
import { novaError } from '../../core/errors';
import { badRequest, forbidden } from '../errors';
import { DEFAULT_TYPE_ID } from '../model';
import type { VolumeService } from '../service';
import { renderType, requireTypesManage, specsOf, typeFields } from '../types';
import { bodyOf, reqOf } from './context';

const isoNoMs = () => new Date().toISOString().replace(/\.\d{3}Z$/, '.000000');

/** Volume types with their extra specs (types_manage: admins), and the scheduler's pools (admins). */
export function typeRoutes(svc: VolumeService): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.get('/v3/:project/types', (c) => {
    const { caller } = reqOf(c);
    const wanted = c.req.query('is_public');
    const types = [...svc.types.values()].filter((t) => {
      if (!caller.isAdmin) return t.is_public;
      if (wanted === undefined || wanted.toLowerCase() === 'none') return true;
      return t.is_public === (wanted.toLowerCase() === 'true');
    });
    return c.json({ volume_types: types.map(renderType) });
  });
  app.get('/v3/:project/types/default', (c) => {
    reqOf(c);
    return c.json({ volume_type: renderType(svc.types.get(DEFAULT_TYPE_ID)!) });
  });
  app.get('/v3/:project/types/:id', (c) =>
    c.json({ volume_type: renderType(svc.findType(reqOf(c).caller, c.req.param('id'))) }),
  );

  app.post('/v3/:project/types', async (c) => {
    const { caller } = reqOf(c);
    requireTypesManage(caller);
    const fields = typeFields(await bodyOf(c), true);
    if ([...svc.types.values()].some((t) => t.name === fields.name))
      throw novaError(409, `Volume Type ${fields.name} already exists.`);
    const type = {
      id: svc.cloud.newId(),
      name: fields.name!,
      description: fields.description ?? null,
      is_public: fields.is_public ?? true,
      extra_specs: fields.extra_specs ?? {},
    };
    svc.types.set(type.id, type);
    return c.json({ volume_type: renderType(type) });
  });
  app.put('/v3/:project/types/:id', async (c) => {
    const { caller } = reqOf(c);
    requireTypesManage(caller);
    const type = svc.findType(caller, c.req.param('id'));
    const fields = typeFields(await bodyOf(c), false);
    if (fields.name !== undefined && fields.name !== type.name) {
      if (type.id === DEFAULT_TYPE_ID) throw badRequest('The default volume type cannot be renamed.');
      if ([...svc.types.values()].some((t) => t.name === fields.name))
        throw novaError(409, `Volume Type ${fields.name} already exists.`);
    }
    Object.assign(type, fields);
    return c.json({ volume_type: renderType(type) });
  });
  app.delete('/v3/:project/types/:id', (c) => {
    const { caller } = reqOf(c);
    requireTypesManage(caller);
    const type = svc.findType(caller, c.req.param('id'));
    if (type.id === DEFAULT_TYPE_ID) throw badRequest('Default volume type can not be deleted.');
    if ([...svc.volumes.values()].some((v) => (v.volume_type_id ?? DEFAULT_TYPE_ID) === type.id))
      throw badRequest('Target volume type is still in use.');
    svc.types.delete(type.id);
    return c.body(null, 202);
  });

  const managed = (c: Parameters<typeof reqOf>[0]) => {
    const { caller } = reqOf(c);
    const type = svc.findType(caller, c.req.param('id') ?? '');
    return { caller, type };
  };
  app.get('/v3/:project/types/:id/extra_specs', (c) => c.json({ extra_specs: managed(c).type.extra_specs }));
  app.post('/v3/:project/types/:id/extra_specs', async (c) => {
    const { caller, type } = managed(c);
    requireTypesManage(caller);
    const body = (await bodyOf(c)) as Record<string, unknown>;
    const specs = specsOf(body.extra_specs);
    Object.assign(type.extra_specs, specs);
    return c.json({ extra_specs: specs });
  });
  app.get('/v3/:project/types/:id/extra_specs/:key', (c) => {
    const { type } = managed(c);
    const key = c.req.param('key');
    if (!(key in type.extra_specs)) throw novaError(404, `Volume Type ${type.id} has no extra specs with key ${key}.`);
    return c.json({ [key]: type.extra_specs[key] });
  });
  app.put('/v3/:project/types/:id/extra_specs/:key', async (c) => {
    const { caller, type } = managed(c);
    requireTypesManage(caller);
    const key = c.req.param('key');
    const specs = specsOf(await bodyOf(c));
    if (Object.keys(specs).length !== 1 || !(key in specs)) throw badRequest('Request body and URI mismatch');
    type.extra_specs[key] = specs[key]!;
    return c.json({ [key]: specs[key] });
  });
  app.delete('/v3/:project/types/:id/extra_specs/:key', (c) => {
    const { caller, type } = managed(c);
    requireTypesManage(caller);
    const key = c.req.param('key');
    if (!(key in type.extra_specs)) throw novaError(404, `Volume Type ${type.id} has no extra specs with key ${key}.`);
    delete type.extra_specs[key];
    return c.body(null, 202);
  });

  app.get('/v3/:project/scheduler-stats/get_pools', (c) => {
    const { caller } = reqOf(c);
    if (!caller.isAdmin) throw forbidden('scheduler_extension:scheduler_stats:get_pools');
    const detail = (c.req.query('detail') ?? '').toLowerCase() === 'true';
    const pools = [...svc.pools.values()].map((p) => {
      if (!detail) return { name: p.name };
      const allocated = svc.allocatedGb(p.name);
      return {
        name: p.name,
        capabilities: {
          updated: isoNoMs(),
          total_capacity_gb: p.totalCapacityGb,
          free_capacity_gb: Math.max(0, p.totalCapacityGb - allocated),
          allocated_capacity_gb: allocated,
          volume_backend_name: p.backend,
          reserved_percentage: p.reservedPercentage,
          driver_version: '1.0.0',
          storage_protocol: p.storageProtocol,
          QoS_support: false,
          pool_name: p.name.split('#')[1] ?? p.backend,
        },
      };
    });
    return c.json({ pools });
  });
  return app;
}
