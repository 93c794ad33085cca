import { Hono } from 'hono';
import { readJsonBody } from '../core/http';
import type { ComputeContext, ComputeEnv } from './microversion';
import type { ComputeService } from './service';
import { badRequest, conflict, notFound } from './errors';
import { requireAdmin } from './guards';
import type { Flavor } from './model';

/** os-flavor-access: which projects may see and boot a non-public flavor (admin-only, as Nova's default policy). */
export function flavorAccessRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const flavor = (id: string) => {
    const f = svc.store.flavors.get(id);
    if (!f) throw notFound(`Flavor ${id} could not be found.`);
    return f;
  };
  const view = (f: Flavor) => ({ flavor_access: (f.projects ?? []).map((p) => ({ flavor_id: f.id, tenant_id: p })) });

  app.get('/flavors/:id/os-flavor-access', (c) => {
    requireAdmin(c, 'os_compute_api:os-flavor-access');
    const f = flavor(c.req.param('id'));
    if (f.isPublic) throw notFound('Access list not available for public flavors.');
    return c.json(view(f));
  });

  app.post('/flavors/:id/action', async (c: ComputeContext) => {
    const b = await readJsonBody(c, badRequest);
    const [action] = Object.keys(b);
    if (action !== 'addTenantAccess' && action !== 'removeTenantAccess')
      throw badRequest(`There is no such action: ${action}`);
    requireAdmin(c, `os_compute_api:os-flavor-access:${action === 'addTenantAccess' ? 'add' : 'remove'}_tenant_access`);
    const tenant = (b[action] as { tenant?: unknown } | null)?.tenant;
    if (typeof tenant !== 'string' || !tenant)
      throw badRequest(`Invalid input for field/attribute ${action}. 'tenant' is a required property`);
    const f = flavor(c.req.param('id')!);
    const projects = (f.projects ??= []);
    if (action === 'addTenantAccess') {
      if (f.isPublic) throw conflict('Can not add access to a public flavor.');
      const identity = svc.cloud.services.identity;
      if (identity && !identity.projects.has(tenant)) throw badRequest(`Project ID ${tenant} is not a valid project.`);
      if (projects.includes(tenant))
        throw conflict(`Flavor access already exists for flavor ${f.id} and project ${tenant} combination.`);
      projects.push(tenant);
    } else {
      const i = projects.indexOf(tenant);
      if (i < 0) throw notFound(`Flavor access not found for ${f.id} / ${tenant} combination.`);
      projects.splice(i, 1);
    }
    return c.json(view(f));
  });
  return app;
}
