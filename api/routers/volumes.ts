import { z } from 'zod';
import { ApiError } from '../lib/api-error';
import { jsonBody } from '../lib/validate';
import type { Ctx } from '../deps';
import { activeImage, cloudIdsOf, ownRecord } from '../services/cloud-ids';
import { targetTenant, visibleResource } from '../lib/resource-access';
import { changeResource, createResource, resourceRouter } from '../services/resource-operations';
import { visibleVolumeTypeId } from '../services/volume-types';
import { requestBody } from '../lib/request-schemas';

const createBody = z
  .object({
    name: z.string().min(1).max(255),
    sizeGb: z.number().int().min(1).max(16384).optional(),
    description: z.string().max(255).optional(),
    /** A public volume type, by id or name (the backend it maps to places the volume). */
    volumeType: z.string().min(1).max(255).optional(),
    source: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('blank') }).strict(),
        z.object({ type: z.literal('snapshot'), snapshotId: z.string().uuid() }).strict(),
        z.object({ type: z.literal('volume'), volumeId: z.string().uuid() }).strict(),
        z.object({ type: z.literal('image'), imageId: z.string().min(1).max(64) }).strict(),
      ])
      .default({ type: 'blank' }),
    tenantId: z.string().uuid().optional(),
  })
  .strict();
const attachBody = z.object({ instanceId: z.string().uuid() }).strict();
const snapshotBody = z
  .object({ volumeId: z.string().uuid(), name: z.string().min(1).max(255), tenantId: z.string().uuid().optional() })
  .strict();

export const volumesRouter = resourceRouter('volume', 'volumeId', 'volume');

requestBody('POST /api/v1/volumes', createBody);
volumesRouter.post('/', async (c) => {
  const body = await jsonBody(c, createBody);
  const tenantId = targetTenant(c, body.tenantId);
  const source: Record<string, unknown> = { type: body.source.type };
  let size = body.sizeGb;
  if (body.source.type === 'snapshot' || body.source.type === 'volume') {
    const id = body.source.type === 'snapshot' ? body.source.snapshotId : body.source.volumeId;
    const src = await ownRecord(c, { kind: body.source.type, id, tenantId, path: `source.${body.source.type}Id` });
    source.resourceId = src.id;
    source.openstackId = src.openstackId;
    const srcSize = Number((src.attributes as { sizeGb?: number }).sizeGb ?? 0);
    size ??= srcSize;
    if (size < srcSize)
      throw new ApiError(422, 'validation_failed', `sizeGb ${size} is smaller than the source's ${srcSize} GB`, [
        { path: 'sizeGb', message: `at least ${srcSize}` },
      ]);
  }
  if (body.source.type === 'image') {
    // The tenant's own image or a public one, active; another tenant's private image is unknown.
    const ids = await cloudIdsOf(c, tenantId);
    const image = await ids.resolve({
      kind: 'image',
      id: body.source.imageId,
      path: 'source.imageId',
      check: activeImage,
    });
    source.imageId = image.id;
    const minDisk = Number(image.object.min_disk ?? 0);
    if (size !== undefined && size < minDisk)
      throw new ApiError(422, 'validation_failed', `sizeGb ${size} is smaller than the image's minimum ${minDisk} GB`, [
        { path: 'sizeGb', message: `at least ${minDisk}` },
      ]);
  }
  if (!size)
    throw new ApiError(422, 'validation_failed', 'sizeGb is required', [
      { path: 'sizeGb', message: 'required for a blank or image volume' },
    ]);
  const volumeTypeId = body.volumeType ? await visibleVolumeTypeId(c, body.volumeType, 'volumeType') : undefined;
  return createResource(
    c,
    {
      tenantId,
      kind: 'volume',
      name: body.name,
      spec: { sizeGb: size, source, ...(volumeTypeId ? { volumeTypeId } : {}) },
    },
    { name: body.name, sizeGb: size, description: body.description, source, ...(volumeTypeId ? { volumeTypeId } : {}) },
    { volumes: 1, gigabytes: size },
    'volume',
  );
});

async function attachment(c: Ctx, op: 'attach' | 'detach') {
  const volume = await visibleResource(c, 'volume', 'volumeId', 'operate', 'volume');
  const body = await jsonBody(c, attachBody);
  const server = await ownRecord(c, {
    kind: 'server',
    id: body.instanceId,
    tenantId: volume.tenantId,
    path: 'instanceId',
    activeOnly: false,
  });
  return changeResource(c, volume, op, { serverOpenstackId: server.openstackId }, 'volume', { instanceId: server.id });
}

volumesRouter.post('/:volumeId/attach', (c) => attachment(c, 'attach'));
volumesRouter.post('/:volumeId/detach', (c) => attachment(c, 'detach'));

export const volumeSnapshotsRouter = resourceRouter('snapshot', 'snapshotId', 'volume snapshot');

requestBody('POST /api/v1/volume-snapshots', snapshotBody);
volumeSnapshotsRouter.post('/', async (c) => {
  const body = await jsonBody(c, snapshotBody);
  const tenantId = targetTenant(c, body.tenantId);
  const volume = await ownRecord(c, { kind: 'volume', id: body.volumeId, tenantId, path: 'volumeId' });
  return createResource(
    c,
    { tenantId, kind: 'snapshot', name: body.name, spec: { volumeId: volume.id } },
    { name: body.name, volumeOpenstackId: volume.openstackId },
    null,
    'volume snapshot',
  );
});
