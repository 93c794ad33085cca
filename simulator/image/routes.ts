import { Hono, type Context } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import type { SimCloud } from '../core/cloud';
import { baseUrlOf } from '../core/http';
import { requireToken } from '../identity/middleware';
import { glanceError } from './errors';
import { listImages } from './list';
import { addMember, getMember, listMembers, removeMember, updateMember } from './members';
import { importImage, importMethods, stageImage } from './image-import';
import { applyImagePatch } from './patch';
import { renderImage, renderMember } from './render';
import { imageSchema, imagesSchema, memberSchema, membersSchema } from './schemas';
import type { ImageService } from './service';

const patchTypes = ['application/openstack-images-v2.1-json-patch', 'application/openstack-images-v2.0-json-patch'];
const versions = [
  '2.16',
  '2.15',
  '2.14',
  '2.13',
  '2.12',
  '2.11',
  '2.10',
  '2.9',
  '2.8',
  '2.7',
  '2.6',
  '2.5',
  '2.4',
  '2.3',
  '2.2',
  '2.1',
  '2.0',
];

function versionsDoc(root: string) {
  return {
    versions: versions.map((v, i) => ({
      id: `v${v}`,
      status: i === 0 ? 'CURRENT' : 'SUPPORTED',
      links: [{ rel: 'self', href: `${root}/v2/` }],
    })),
  };
}

async function jsonOf(c: Context<AuthEnv>): Promise<unknown> {
  const text = await c.req.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    throw glanceError(400, 'Malformed JSON in request body.');
  }
}

/** Glance v2 routes: discovery (unauthenticated), schemas, images, data, tags, members, actions. */
export function imageRoutes(cloud: SimCloud, svc: ImageService): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const root = (c: Context) => `${baseUrlOf(c, cloud.baseUrl)}/image`;
  app.get('/', (c) => c.json(versionsDoc(root(c)), 300));
  app.get('/versions', (c) => c.json(versionsDoc(root(c))));
  app.get('/v2', (c) => c.json(versionsDoc(root(c)), 300));

  app.use('/v2/*', requireToken);
  const caller = (c: Context<AuthEnv>) => c.get('auth');
  const img = (c: Context<AuthEnv>) => c.req.param('id')!;

  app.get('/v2/schemas/image', (c) => c.json(imageSchema));
  app.get('/v2/schemas/images', (c) => c.json(imagesSchema));
  app.get('/v2/schemas/member', (c) => c.json(memberSchema));
  app.get('/v2/schemas/members', (c) => c.json(membersSchema));

  app.get('/v2/images', (c) => {
    // Routes are not strict about a trailing slash; Glance answers `GET /v2/images/` (an empty id) with 404.
    if (new URL(c.req.url).pathname.endsWith('/')) throw glanceError(404, 'The resource could not be found.');
    const body = listImages(svc, caller(c), c.req.queries());
    return c.json({ ...body, images: body.images.map(renderImage) });
  });
  app.post('/v2/images', async (c) => {
    const body = await jsonOf(c);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw glanceError(400, 'Body expected in request.');
    const created = svc.create(caller(c), body as Record<string, unknown>);
    c.header('Location', `${root(c)}/v2/images/${created.id}`);
    return c.json(renderImage(created), 201);
  });
  app.get('/v2/images/:id', (c) => c.json(renderImage(svc.getImage(caller(c), img(c)))));
  app.patch('/v2/images/:id', async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0].trim();
    if (!patchTypes.includes(type)) {
      c.header('Accept-Patch', patchTypes.join(', '));
      throw glanceError(415, `Unsupported Content-Type`);
    }
    const target = svc.getOwned(caller(c), img(c));
    return c.json(renderImage(applyImagePatch(svc, caller(c), target, await jsonOf(c))));
  });
  app.delete('/v2/images/:id', (c) => {
    svc.delete(caller(c), img(c));
    return c.body(null, 204);
  });

  app.put('/v2/images/:id/file', async (c) => {
    const bytes = Buffer.from(await c.req.arrayBuffer());
    svc.upload(caller(c), img(c), bytes);
    return c.body(null, 204);
  });
  app.get('/v2/images/:id/file', (c) => {
    const image = svc.getImage(caller(c), img(c));
    const data = svc.data.get(image.id);
    if (image.status !== 'active' || !data) return c.body(null, 204);
    if (image.checksum) c.header('Content-MD5', image.checksum);
    c.header('Content-Type', 'application/octet-stream');
    return c.body(new Uint8Array(data), 200);
  });

  app.put('/v2/images/:id/stage', async (c) => {
    stageImage(svc, caller(c), img(c), Buffer.from(await c.req.arrayBuffer()));
    return c.body(null, 204);
  });
  app.post('/v2/images/:id/import', async (c) => {
    importImage(svc, caller(c), img(c), await jsonOf(c));
    return c.body(null, 202);
  });
  app.get('/v2/info/import', (c) =>
    c.json({ 'import-methods': { description: 'Import methods available.', type: 'array', value: importMethods } }),
  );
  app.get('/v2/info/stores', (c) =>
    c.json({ stores: [{ id: 'file', description: 'Local filesystem store', default: true }] }),
  );

  app.put('/v2/images/:id/tags/:tag', (c) => {
    const image = svc.getOwned(caller(c), img(c));
    svc.setAttr(caller(c), image, 'tags', [...image.tags, c.req.param('tag')]);
    svc.touch(image);
    return c.body(null, 204);
  });
  app.delete('/v2/images/:id/tags/:tag', (c) => {
    const image = svc.getOwned(caller(c), img(c));
    if (!image.tags.includes(c.req.param('tag'))) throw glanceError(404, `Tag ${c.req.param('tag')} not found.`);
    image.tags = image.tags.filter((t) => t !== c.req.param('tag'));
    svc.touch(image);
    return c.body(null, 204);
  });

  app.post('/v2/images/:id/actions/deactivate', (c) => {
    svc.setActive(caller(c), img(c), false);
    return c.body(null, 204);
  });
  app.post('/v2/images/:id/actions/reactivate', (c) => {
    svc.setActive(caller(c), img(c), true);
    return c.body(null, 204);
  });

  app.get('/v2/images/:id/members', (c) =>
    c.json({ members: listMembers(svc, caller(c), img(c)).map(renderMember), schema: '/v2/schemas/members' }),
  );
  app.post('/v2/images/:id/members', async (c) =>
    c.json(renderMember(addMember(svc, caller(c), img(c), await jsonOf(c)))),
  );
  app.get('/v2/images/:id/members/:member', (c) =>
    c.json(renderMember(getMember(svc, caller(c), img(c), c.req.param('member')))),
  );
  app.put('/v2/images/:id/members/:member', async (c) =>
    c.json(renderMember(updateMember(svc, caller(c), img(c), c.req.param('member'), await jsonOf(c)))),
  );
  app.delete('/v2/images/:id/members/:member', (c) => {
    removeMember(svc, caller(c), img(c), c.req.param('member'));
    return c.body(null, 204);
  });
  return app;
}
