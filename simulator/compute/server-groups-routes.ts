import { Hono } from 'hono';
import { readJsonBody } from '../core/http';
import type { ComputeContext, ComputeEnv } from './microversion';
import type { ComputeService } from './service';
import type { ServerGroup } from './model';
import { badRequest, forbidden, notFound } from './errors';
import { requireObject, schemaError, validName } from './validation';

const POLICIES = ['affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'] as const;

/** os-server-groups; members are placed by the scheduler's (anti-)affinity filters. */
export function serverGroupsRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const store = svc.store;
  const view = (c: ComputeContext, g: ServerGroup) => {
    const mv = c.get('mv');
    return {
      id: g.id,
      name: g.name,
      members: [...g.members],
      ...(mv >= 64 ? { policy: g.policy, rules: { ...g.rules } } : { policies: [g.policy], metadata: {} }),
      ...(mv >= 13 ? { project_id: g.projectId, user_id: g.userId } : {}),
    };
  };
  const visible = (c: ComputeContext, id: string) => {
    const g = store.serverGroups.get(id);
    const a = c.get('auth');
    if (!g || (!a.isAdmin && g.projectId !== a.projectId)) throw notFound(`Instance group ${id} could not be found.`);
    return g;
  };

  app.get('/os-server-groups', (c) => {
    const a = c.get('auth');
    const all = a.isAdmin && c.req.query('all_projects') !== undefined;
    const list = [...store.serverGroups.values()].filter((g) => all || g.projectId === a.projectId);
    const offset = Number(c.req.query('offset') ?? 0);
    const limit = c.req.query('limit') ? Number(c.req.query('limit')) : list.length;
    return c.json({ server_groups: list.slice(offset, offset + limit).map((g) => view(c, g)) });
  });
  app.post('/os-server-groups', async (c) => {
    const mv = c.get('mv');
    const a = c.get('auth');
    const b = requireObject(await readJsonBody(c, badRequest), 'server_group');
    const name = validName(b.name);
    let policy: string;
    if (mv >= 64) {
      if (typeof b.policy !== 'string')
        throw badRequest(
          `Invalid input for field/attribute server_group. Value: ${JSON.stringify(b)}. 'policy' is a required property`,
        );
      policy = b.policy;
    } else {
      if (!Array.isArray(b.policies) || b.policies.length !== 1)
        throw schemaError('server_group/policies', b.policies ?? null, 'is not a list of exactly one policy');
      policy = String(b.policies[0]);
    }
    if (!(POLICIES as readonly string[]).includes(policy) || (mv < 15 && policy.startsWith('soft')))
      throw schemaError(
        mv >= 64 ? 'server_group/policy' : 'server_group/policies/0',
        policy,
        `is not one of ${JSON.stringify(POLICIES)}`,
      );
    const rules = mv >= 64 && b.rules && typeof b.rules === 'object' ? (b.rules as ServerGroup['rules']) : {};
    if (rules.max_server_per_host !== undefined && policy !== 'anti-affinity')
      throw badRequest('Only anti-affinity policy supports "max_server_per_host" rule.');
    const limit = store.quotaOf(a.projectId).server_groups;
    const used = [...store.serverGroups.values()].filter((g) => g.projectId === a.projectId).length;
    if (limit >= 0 && used + 1 > limit) throw forbidden('Quota exceeded, too many server groups.');
    const g: ServerGroup = {
      id: svc.cloud.newId(),
      name,
      projectId: a.projectId,
      userId: a.userId,
      policy: policy as ServerGroup['policy'],
      rules,
      members: [],
    };
    store.serverGroups.set(g.id, g);
    return c.json({ server_group: view(c, g) });
  });
  app.get('/os-server-groups/:id', (c) => c.json({ server_group: view(c, visible(c, c.req.param('id'))) }));
  app.delete('/os-server-groups/:id', (c) => {
    store.serverGroups.delete(visible(c, c.req.param('id')).id);
    return c.body(null, 204);
  });
  return app;
}
