import { Hono } from 'hono';
import { readJsonBody } from '../core/http';
import type { ComputeContext, ComputeEnv } from './microversion';
import type { ComputeService } from './service';
import { badRequest, conflict, notFound } from './errors';
import { requireAdmin } from './guards';
import { flavorView } from './flavor-view';
import { resourceLinks, computeBase } from './links';
import { requireObject, validName, schemaError } from './validation';
import type { Flavor } from './model';

/** Flavors (list/detail/show/create/delete/update description) and extra_specs. */
export function flavorsRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const get = (c: ComputeContext, id: string) => {
    const f = svc.store.visibleFlavor(id, c.get('auth'));
    if (!f) throw notFound(`Flavor ${id} could not be found.`);
    return f;
  };

  const list = (detail: boolean) => (c: ComputeContext) => {
    const q = c.req.query();
    const admin = c.get('auth').isAdmin;
    let items = [...svc.store.flavors.values()].filter((f) => !f.disabled);
    // Nova: members see public flavors and those their project has access to; admins see all unless is_public=true/false narrows it.
    const isPublic = q.is_public?.toLowerCase();
    if (!admin) items = items.filter((f) => svc.store.visibleFlavor(f.id, c.get('auth')));
    else if (isPublic !== undefined && isPublic !== 'none')
      items = items.filter((f) => f.isPublic === ['true', '1', 'yes', 't', 'on'].includes(isPublic));
    if (q.minRam) items = items.filter((f) => f.ram >= Number(q.minRam));
    if (q.minDisk) items = items.filter((f) => f.disk >= Number(q.minDisk));
    const sortKey = (q.sort_key ?? 'flavorid') as string;
    const dir = (q.sort_dir ?? 'asc') === 'desc' ? -1 : 1;
    const keyOf = (f: Flavor): string | number =>
      sortKey === 'flavorid' || sortKey === 'id'
        ? f.id
        : sortKey === 'name'
          ? f.name
          : sortKey === 'memory_mb'
            ? f.ram
            : sortKey === 'vcpus'
              ? f.vcpus
              : sortKey === 'root_gb'
                ? f.disk
                : f.id;
    items.sort((a, b) => (keyOf(a) < keyOf(b) ? -dir : keyOf(a) > keyOf(b) ? dir : 0));
    if (q.marker) {
      const i = items.findIndex((f) => f.id === q.marker);
      if (i < 0) throw badRequest(`marker [${q.marker}] not found`);
      items = items.slice(i + 1);
    }
    const limit = q.limit ? Math.min(Number(q.limit), 1000) : 1000;
    const page = items.slice(0, limit);
    const body: Record<string, unknown> = {
      flavors: page.map((f) =>
        detail
          ? flavorView(c, f)
          : {
              id: f.id,
              name: f.name,
              links: resourceLinks(c, 'flavors', f.id),
              ...(c.get('mv') >= 55 ? { description: f.description } : {}),
            },
      ),
    };
    if (q.limit && page.length === limit && page.length < items.length)
      body.flavors_links = [
        {
          rel: 'next',
          href: `${computeBase(c)}/flavors${detail ? '/detail' : ''}?limit=${limit}&marker=${page[page.length - 1].id}`,
        },
      ];
    return c.json(body);
  };
  app.get('/flavors', list(false));
  app.get('/flavors/detail', list(true));
  app.get('/flavors/:id', (c) => c.json({ flavor: flavorView(c, get(c, c.req.param('id'))) }));

  app.post('/flavors', async (c) => {
    requireAdmin(c, 'os_compute_api:os-flavor-manage:create');
    const f = requireObject(await readJsonBody(c, badRequest), 'flavor');
    const name = validName(f.name);
    const int = (k: string, min: number, required: boolean) => {
      const v = f[k];
      if (v === undefined) {
        if (required)
          throw badRequest(
            `Invalid input for field/attribute flavor. Value: ${JSON.stringify(f)}. '${k}' is a required property`,
          );
        return 0;
      }
      const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < min)
        throw schemaError(`flavor/${k}`, v, `${JSON.stringify(v)} is less than the minimum of ${min}`);
      return n;
    };
    const id = f.id === undefined || f.id === null || f.id === 'auto' ? svc.cloud.newId() : String(f.id);
    if (svc.store.flavors.has(id)) throw conflict(`Flavor with ID ${id} already exists.`);
    for (const x of svc.store.flavors.values())
      if (x.name === name) throw conflict(`Flavor with name ${name} already exists.`);
    const flavor: Flavor = {
      id,
      name,
      ram: int('ram', 1, true),
      vcpus: int('vcpus', 1, true),
      disk: int('disk', 0, true),
      ephemeral: int('OS-FLV-EXT-DATA:ephemeral', 0, false),
      swap: int('swap', 0, false),
      rxtxFactor: typeof f.rxtx_factor === 'number' ? f.rxtx_factor : 1.0,
      isPublic: f['os-flavor-access:is_public'] !== false,
      disabled: false,
      description: c.get('mv') >= 55 && typeof f.description === 'string' ? f.description : null,
      extraSpecs: {},
    };
    svc.store.flavors.set(id, flavor);
    return c.json({ flavor: flavorView(c, flavor) });
  });
  app.put('/flavors/:id', async (c) => {
    requireAdmin(c, 'os_compute_api:os-flavor-manage:update');
    if (c.get('mv') < 55) throw notFound('The resource could not be found.');
    const f = get(c, c.req.param('id'));
    const u = requireObject(await readJsonBody(c, badRequest), 'flavor');
    if (!('description' in u))
      throw badRequest("Invalid input for field/attribute flavor. 'description' is a required property");
    f.description = u.description === null ? null : String(u.description);
    return c.json({ flavor: flavorView(c, f) });
  });
  app.delete('/flavors/:id', (c) => {
    requireAdmin(c, 'os_compute_api:os-flavor-manage:delete');
    const f = get(c, c.req.param('id'));
    svc.store.flavors.delete(f.id);
    return c.body(null, 202);
  });

  // extra specs
  app.get('/flavors/:id/os-extra_specs', (c) => c.json({ extra_specs: { ...get(c, c.req.param('id')).extraSpecs } }));
  app.post('/flavors/:id/os-extra_specs', async (c) => {
    requireAdmin(c, 'os_compute_api:os-flavor-extra-specs:create');
    const f = get(c, c.req.param('id'));
    const specs = (await readJsonBody(c, badRequest)).extra_specs;
    if (!specs || typeof specs !== 'object')
      throw badRequest("Invalid input for field/attribute extra_specs. 'extra_specs' is a required property");
    for (const [k, v] of Object.entries(specs)) f.extraSpecs[k] = String(v);
    return c.json({ extra_specs: { ...specs } });
  });
  app.get('/flavors/:id/os-extra_specs/:key', (c) => {
    const f = get(c, c.req.param('id'));
    const k = c.req.param('key');
    if (!(k in f.extraSpecs)) throw notFound(`Flavor ${f.id} has no extra specs with key ${k}.`);
    return c.json({ [k]: f.extraSpecs[k] });
  });
  app.put('/flavors/:id/os-extra_specs/:key', async (c) => {
    requireAdmin(c, 'os_compute_api:os-flavor-extra-specs:update');
    const f = get(c, c.req.param('id'));
    const k = c.req.param('key');
    const b = await readJsonBody(c, badRequest);
    if (!(k in b) || Object.keys(b).length !== 1) throw badRequest('Request body and URI mismatch');
    f.extraSpecs[k] = String(b[k]);
    return c.json({ [k]: f.extraSpecs[k] });
  });
  app.delete('/flavors/:id/os-extra_specs/:key', (c) => {
    requireAdmin(c, 'os_compute_api:os-flavor-extra-specs:delete');
    const f = get(c, c.req.param('id'));
    const k = c.req.param('key');
    if (!(k in f.extraSpecs)) throw notFound(`Flavor ${f.id} has no extra specs with key ${k}.`);
    delete f.extraSpecs[k];
    return c.body(null, 200);
  });
  return app;
}
