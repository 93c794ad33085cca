import { z } from 'zod';
import { CloudResource } from '../../domain/entities';
import { ApiError } from '../lib/api-error';
import { jsonBody } from '../lib/validate';
import { targetTenant } from './operate-access';
import { createResource, resourceRouter } from './operate-run';
import { requestInstanceAction } from './instances';

const createBody = z
  .object({
    name: z.string().min(1).max(255),
    source: z.discriminatedUnion('type', [
      z.object({ type: z.literal('instance'), instanceId: z.string().uuid() }).strict(),
      z
        .object({
          type: z.literal('register'),
          url: z.string().url().optional(),
          diskFormat: z.enum(['qcow2', 'raw', 'vmdk', 'vdi', 'iso', 'vhd']).default('qcow2'),
          containerFormat: z.enum(['bare', 'ovf', 'ova']).default('bare'),
          minDiskGb: z.number().int().min(0).max(16384).default(0),
          minRamMb: z.number().int().min(0).default(0),
        })
        .strict(),
    ]),
    tenantId: z.string().uuid().optional(),
  })
  .strict();

/** Tenants' own images: server snapshots and registered images, each a record of the tenant. */
export const imagesRouter = resourceRouter('image', 'imageId', 'image');

imagesRouter.post('/', async (c) => {
  const body = await jsonBody(c, createBody);
  const tenantId = targetTenant(c, body.tenantId);
  if (body.source.type === 'instance') {
    const server = await c.get('em').findOne(CloudResource, { id: body.source.instanceId, kind: 'server', tenantId });
    if (!server || server.status === 'deleted') throw new ApiError(422, 'validation_failed', `unknown instance ${body.source.instanceId}`, [{ path: 'source.instanceId', message: 'no such instance in the tenant' }]);
    // A snapshot is an action of the server's own process: it is serialised with the server's other actions.
    return requestInstanceAction(c, server, { action: 'snapshot', imageName: body.name });
  }
  const { type: _t, ...reg } = body.source;
  return createResource(c, { tenantId, kind: 'image', name: body.name, spec: { source: 'register', ...reg } }, { name: body.name, visibility: 'private', ...reg }, null, 'image');
});
