import { Hono } from 'hono';
import { WorkflowFailedError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ObjectState } from '../../activities/openstack/operate-resources';
import type { Schemas } from '../../openapi/types';
import { publicImageWorkflow, type PublicImageRequest } from '../../workflows/public-image';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { ApiError } from '../lib/api-error';
import { holdsPart, namePart } from '../lib/list-filters';
import { pageOf, pageQuery } from '../lib/pagination';
import { jsonBody, queryInt, queryParams } from '../lib/validate';
import { ownRecord } from '../services/cloud-ids';
import { targetTenant } from '../lib/resource-access';
import { createResource, operationError, resourceRouter } from '../services/resource-operations';
import { requestInstanceAction } from './instances';
import { cachedPublicImages, forgetPublicImages } from '../services/public-image-cache';
import { allowedHosts, checkWebDownloadUrl } from '../services/web-download-guard';
import { requestBody } from '../lib/request-schemas';

/** The URL Glance will fetch, checked (scheme, host, resolved addresses) and as parsed here; 422 naming why not. */
function webDownloadUrl(c: Ctx, url: string, path: string): Promise<string> {
  return checkWebDownloadUrl(url, allowedHosts(c.get('deps').config.WEB_DOWNLOAD_ALLOWED_HOSTS), path);
}

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

requestBody('POST /api/v1/images', createBody);
imagesRouter.post('/', async (c) => {
  const body = await jsonBody(c, createBody);
  const tenantId = targetTenant(c, body.tenantId);
  if (body.source.type === 'instance') {
    const server = await ownRecord(c, {
      kind: 'server',
      id: body.source.instanceId,
      tenantId,
      path: 'source.instanceId',
      activeOnly: false,
    });
    // A snapshot is an action of the server's own process: it is serialised with the server's other actions.
    return requestInstanceAction(c, server, { action: 'snapshot', imageName: body.name });
  }
  const { type: _t, ...reg } = body.source;
  if (reg.url) reg.url = await webDownloadUrl(c, reg.url, 'source.url');
  return createResource(
    c,
    { tenantId, kind: 'image', name: body.name, spec: { source: 'register', ...reg } },
    { name: body.name, visibility: 'private', ...reg },
    null,
    'image',
  );
});

const publicBody = z
  .object({
    name: z.string().min(1).max(255),
    url: z.string().url().optional(),
    diskFormat: z.enum(['qcow2', 'raw', 'vmdk', 'vdi', 'iso', 'vhd']).default('qcow2'),
    containerFormat: z.enum(['bare', 'ovf', 'ova']).default('bare'),
    minDiskGb: z.number().int().min(0).max(16384).default(0),
    minRamMb: z.number().int().min(0).default(0),
  })
  .strict();

function publicImageView(i: ObjectState): Schemas['OperatePublicImage'] {
  const a = i.attributes as { diskFormat?: string | null; minDiskGb?: number | null; sizeBytes?: number | null };
  return {
    id: i.openstackId,
    name: i.name,
    status: i.osStatus ?? 'unknown',
    diskFormat: a.diskFormat ?? null,
    minDiskGb: a.minDiskGb ?? null,
    sizeBytes: a.sizeBytes ?? null,
  };
}

/** A request waits this long for the cloud before answering 503; the operation itself goes on. */
const publicAnswerWithinMs = 10_000;

async function runPublic(c: Ctx, req: PublicImageRequest, what: string): Promise<ObjectState[]> {
  const deps = c.get('deps');
  try {
    const handle = await deps.temporal.workflow.start(publicImageWorkflow, {
      workflowId: `public-image-${req.op === 'list' ? 'list-' : ''}${randomUUID()}`,
      taskQueue: deps.queues.orchestration,
      args: [req],
      workflowExecutionTimeout: '10 minutes',
    });
    // The wait for the result is abandoned (its long poll cancelled) when the cloud is too slow.
    const abandon = new AbortController();
    const result = deps.temporal.withAbortSignal(abandon.signal, () => handle.result());
    result.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ApiError(
              503,
              'cloud_unavailable',
              `${what}: the cloud did not answer within ${publicAnswerWithinMs / 1000} s; try again`,
            ),
          ),
        publicAnswerWithinMs,
      );
    });
    try {
      return await Promise.race([result, late]);
    } finally {
      clearTimeout(timer);
      abandon.abort();
    }
  } catch (e) {
    if (e instanceof WorkflowFailedError) throw operationError(e, what);
    throw e;
  }
}

/** The cloud's public images: everyone lists them, operators (images:manage) register and delete them. */
export const publicImagesRouter = new Hono<AppEnv>();
publicImagesRouter.use('*', requireAuth);

// Glance's image statuses. A caller that sends no limit gets up to 200 (the list was whole before it paged).
const glanceStatuses = [
  'queued',
  'saving',
  'uploading',
  'importing',
  'active',
  'deactivated',
  'killed',
  'deleted',
  'pending_delete',
] as const;
const publicImagesQuery = pageQuery
  .extend({
    limit: queryInt(z.number().int().min(1).max(200)).default('200'),
    name: namePart.optional(),
    status: z.enum(glanceStatuses).optional(),
  })
  .strict();

publicImagesRouter.get('/', async (c) => {
  const q = queryParams(c, publicImagesQuery);
  const images = await cachedPublicImages(c.get('deps'), () =>
    runPublic(c, { op: 'list' }, 'listing public images failed'),
  );
  const matched = images
    .map(publicImageView)
    .filter((i) => holdsPart(i.name, q.name) && (!q.status || i.status === q.status));
  return c.json(pageOf(matched, q));
});

requestBody('POST /api/v1/public-images', publicBody);
publicImagesRouter.post('/', requirePermission('images:manage'), async (c) => {
  const body = await jsonBody(c, publicBody);
  c.set('audit', { action: 'image.public.create', targetType: 'image', details: { name: body.name } });
  if (body.url) body.url = await webDownloadUrl(c, body.url, 'url');
  forgetPublicImages(c.get('deps'));
  const [image] = await runPublic(
    c,
    { op: 'create', tag: randomUUID(), params: body },
    'registering the public image failed',
  );
  c.set('audit', {
    action: 'image.public.create',
    targetType: 'image',
    targetId: image.openstackId,
    details: { name: body.name },
  });
  forgetPublicImages(c.get('deps'));
  return c.json(publicImageView(image), 201);
});

publicImagesRouter.delete('/:publicImageId', requirePermission('images:manage'), async (c) => {
  const imageId = c.req.param('publicImageId');
  c.set('audit', { action: 'image.public.delete', targetType: 'image', targetId: imageId });
  try {
    await runPublic(c, { op: 'delete', imageId }, 'deleting the public image failed');
  } catch (e) {
    if ((e as ApiError).details && ((e as ApiError).details as { reason?: string }).reason === 'OpenStackNotFound')
      throw new ApiError(404, 'not_found', `public image ${imageId} not found`);
    throw e;
  }
  forgetPublicImages(c.get('deps'));
  return c.body(null, 204);
});
