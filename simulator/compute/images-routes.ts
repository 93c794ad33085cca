import { Hono } from 'hono';
import { SimHttpError } from '../core/errors';
import type { ImageRecord } from '../image/model';
import { listImages } from '../image/list';
import type { ComputeContext, ComputeEnv } from './microversion';
import { requireMv } from './microversion';
import type { ComputeService } from './service';
import { computeBase, resourceLinks } from './links';
import { forbidden, notFound } from './errors';

const statusMap: Record<string, string> = {
  active: 'ACTIVE',
  queued: 'SAVING',
  saving: 'SAVING',
  importing: 'SAVING',
  deleted: 'DELETED',
  pending_delete: 'DELETED',
  killed: 'ERROR',
};
const progressMap: Record<string, number> = { queued: 25, saving: 50, importing: 50, active: 100 };

/** The deprecated compute image proxy to Glance (up to 2.35): list, detail, show and delete, in Nova's image view. */
export function imagesRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const glance = () => svc.cloud.service('image');
  const links = (c: ComputeContext, id: string) => [
    ...resourceLinks(c, 'images', id),
    {
      rel: 'alternate',
      type: 'application/vnd.openstack.image',
      href: `${new URL(computeBase(c)).origin}/image/images/${id}`,
    },
  ];
  const view = (c: ComputeContext, img: ImageRecord) => {
    const v: Record<string, unknown> = {
      id: img.id,
      name: img.name,
      minRam: img.min_ram,
      minDisk: img.min_disk,
      metadata: { ...img.properties },
      created: img.created_at,
      updated: img.updated_at,
      status: statusMap[img.status] ?? 'UNKNOWN',
      progress: progressMap[img.status] ?? 0,
      'OS-EXT-IMG-SIZE:size': img.size,
      links: links(c, img.id),
    };
    const server = img.properties.instance_uuid;
    if (server) v.server = { id: server, links: resourceLinks(c, 'servers', server) };
    const auto = img.properties.auto_disk_config;
    if (auto !== undefined) v['OS-DCF:diskConfig'] = /^(true|1|yes|on|t|y)$/i.test(auto) ? 'AUTO' : 'MANUAL';
    return v;
  };
  const image = (c: ComputeContext) => {
    requireMv(c, 1, 35);
    const img = glance().findImage(c.get('auth'), c.req.param('id')!);
    if (!img) throw notFound('Image not found.');
    return img;
  };
  const list = (detail: boolean) => (c: ComputeContext) => {
    requireMv(c, 1, 35);
    const q = c.req.queries();
    const filters = Object.fromEntries(
      ['name', 'status', 'limit', 'marker']
        .filter((k) => q[k])
        .map((k) => [k, k === 'status' ? q[k].map((s) => s.toLowerCase()) : q[k]]),
    );
    const body = listImages(glance(), c.get('auth'), filters);
    const images = body.images.map((img) =>
      detail ? view(c, img) : { id: img.id, name: img.name, links: links(c, img.id) },
    );
    const last = body.images[body.images.length - 1];
    const next =
      body.next && last
        ? [
            {
              rel: 'next',
              href: `${computeBase(c)}/images${detail ? '/detail' : ''}?limit=${q.limit?.[0]}&marker=${last.id}`,
            },
          ]
        : undefined;
    return c.json({ images, ...(next ? { images_links: next } : {}) });
  };

  app.get('/images', list(false));
  app.get('/images/detail', list(true));
  app.get('/images/:id', (c) => c.json({ image: view(c, image(c)) }));
  app.delete('/images/:id', (c) => {
    const img = image(c);
    try {
      glance().delete(c.get('auth'), img.id);
    } catch (e) {
      if (e instanceof SimHttpError && e.status === 403)
        throw forbidden((e.body as { message?: string }).message ?? 'Forbidden');
      throw e;
    }
    return c.body(null, 204);
  });
  return app;
}
