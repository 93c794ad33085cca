import { Hono } from 'hono';
import { z } from 'zod';
import { ApiError, conflict, unprocessable } from '../lib/api-error';
import { adminCloud, cloudCall } from '../lib/cloud-call';
import { pageOf, pageQuery } from '../lib/pagination';
import { holdsPart, namePart } from '../lib/list-filters';
import { jsonBody, queryParams } from '../lib/validate';
import { requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { volumePoolView, volumeTypeView } from '../views/pool';

const backendName = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a backend name (letters, digits, . _ -)');
const poolsQuery = pageQuery.extend({ name: namePart.optional(), backend: z.string().max(64).optional() }).strict();
const typesQuery = pageQuery
  .extend({
    name: z.string().max(255).optional(),
    isPublic: z.enum(['true', 'false']).optional(),
    backend: z.string().max(64).optional(),
  })
  .strict();
const typeBody = z
  .object({
    name: z.string().trim().min(1).max(255),
    description: z.string().max(255).optional(),
    isPublic: z.boolean().default(true),
    /** The backend (volume_backend_name) the type's volumes are placed on. */
    backend: backendName.optional(),
  })
  .strict();
const typeUpdate = z
  .object({
    name: z.string().trim().min(1).max(255).optional(),
    description: z.string().max(255).optional(),
    isPublic: z.boolean().optional(),
    backend: backendName.nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give at least one field');

const typeId = (c: Ctx) => {
  const id = c.req.param('id') ?? '';
  if (!/^[0-9a-fA-F-]{36}$/.test(id)) throw unprocessable('not a volume type id', [{ path: 'id', message: 'a UUID' }]);
  return id;
};

async function knownBackend(c: Ctx, backend: string) {
  const pools = await cloudCall('backend pools', () => adminCloud(c).blockStorage.listBackendPools());
  if (!pools.some((p) => p.capabilities?.volume_backend_name === backend))
    throw unprocessable(`no backend pool serves ${backend}`, [{ path: 'backend', message: 'unknown backend' }]);
}

/** Storage as a pool: Cinder's backend pools with their capacity, and the volume types that map to them. */
export const poolStorageRouter = new Hono<AppEnv>();

poolStorageRouter.get('/volume-pools', requirePermission('resources:read'), async (c) => {
  const q = queryParams(c, poolsQuery);
  const pools = await cloudCall('backend pools', () => adminCloud(c).blockStorage.listBackendPools());
  const rows = pools
    .map(volumePoolView)
    .filter((p) => holdsPart(p.name, q.name) && (!q.backend || p.backend === q.backend))
    .sort((a, b) => a.name.localeCompare(b.name));
  return c.json(pageOf(rows, q));
});

poolStorageRouter.get('/volume-types', requirePermission('resources:read'), async (c) => {
  const q = queryParams(c, typesQuery);
  const types = await cloudCall('volume types', () =>
    adminCloud(c).blockStorage.listVolumeTypes({ is_public: 'None' }),
  );
  const rows = types
    .map(volumeTypeView)
    .filter(
      (t) =>
        holdsPart(t.name, q.name) &&
        (!q.isPublic || t.isPublic === (q.isPublic === 'true')) &&
        (!q.backend || t.backend === q.backend),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  return c.json(pageOf(rows, q));
});

poolStorageRouter.post('/volume-types', requirePermission('pool:manage'), async (c) => {
  const body = await jsonBody(c, typeBody);
  c.set('audit', { action: 'pool.volume_type.create', targetType: 'volume_type', details: body });
  if (body.backend) await knownBackend(c, body.backend);
  const t = await cloudCall('create volume type', () =>
    adminCloud(c).blockStorage.createVolumeType({
      name: body.name,
      ...(body.description !== undefined ? { description: body.description } : {}),
      'os-volume-type-access:is_public': body.isPublic,
      ...(body.backend ? { extra_specs: { volume_backend_name: body.backend } } : {}),
    }),
  );
  c.set('audit', { action: 'pool.volume_type.create', targetType: 'volume_type', targetId: t.id, details: body });
  return c.json(volumeTypeView(t), 201);
});

poolStorageRouter.get('/volume-types/:id', requirePermission('resources:read'), async (c) => {
  const id = typeId(c);
  return c.json(
    volumeTypeView(await cloudCall(`volume type ${id}`, () => adminCloud(c).blockStorage.getVolumeType(id))),
  );
});

poolStorageRouter.patch('/volume-types/:id', requirePermission('pool:manage'), async (c) => {
  const id = typeId(c);
  const body = await jsonBody(c, typeUpdate);
  c.set('audit', { action: 'pool.volume_type.update', targetType: 'volume_type', targetId: id, details: body });
  const os = adminCloud(c);
  await cloudCall(`volume type ${id}`, () => os.blockStorage.getVolumeType(id));
  if (body.backend) await knownBackend(c, body.backend);
  const { backend, isPublic, ...fields } = body;
  if (Object.keys(fields).length > 0 || isPublic !== undefined)
    await cloudCall(`volume type ${id}`, () =>
      os.blockStorage.updateVolumeType(id, { ...fields, ...(isPublic !== undefined ? { is_public: isPublic } : {}) }),
    );
  if (backend)
    await cloudCall(`volume type ${id}`, () =>
      os.blockStorage.setVolumeTypeExtraSpecs(id, { volume_backend_name: backend }),
    );
  if (backend === null) {
    const t = await cloudCall(`volume type ${id}`, () => os.blockStorage.getVolumeType(id));
    if (t.extra_specs?.volume_backend_name !== undefined)
      await cloudCall(`volume type ${id}`, () => os.blockStorage.deleteVolumeTypeExtraSpec(id, 'volume_backend_name'));
  }
  return c.json(volumeTypeView(await cloudCall(`volume type ${id}`, () => os.blockStorage.getVolumeType(id))));
});

poolStorageRouter.delete('/volume-types/:id', requirePermission('pool:manage'), async (c) => {
  const id = typeId(c);
  c.set('audit', { action: 'pool.volume_type.delete', targetType: 'volume_type', targetId: id });
  // Cinder refuses a type in use with a 400: that is the type's state, not a bad request.
  await cloudCall(`volume type ${id}`, () => adminCloud(c).blockStorage.deleteVolumeType(id)).catch((e: unknown) => {
    if (e instanceof ApiError && e.status === 422 && /in use/i.test(e.message)) throw conflict(e.message, e.details);
    throw e;
  });
  return c.body(null, 204);
});
