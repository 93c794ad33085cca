import { Hono } from 'hono';
import { readJsonBody } from '../core/http';
import type { ComputeContext, ComputeEnv } from './microversion';
import type { ComputeService } from './service';
import { badRequest, policyForbidden } from './errors';
import { requireAdmin } from './guards';
import { requireObject, schemaError } from './validation';
import { defaultQuota } from './seed';

/** Quota resources shown at a microversion (network ones gone from 2.36, file ones from 2.57). */
function resources(mv: number): string[] {
  const r = ['cores', 'instances', 'ram', 'key_pairs', 'metadata_items', 'server_groups', 'server_group_members'];
  if (mv < 57) r.push('injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes');
  if (mv < 36) r.push('fixed_ips', 'floating_ips', 'security_groups', 'security_group_rules');
  return r;
}
const legacy: Record<string, number> = {
  fixed_ips: -1,
  floating_ips: -1,
  security_groups: -1,
  security_group_rules: -1,
};

/** limits, os-quota-sets (show/detail/defaults/update/delete). */
export function quotaRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  const store = svc.store;

  const targetProject = (c: ComputeContext, id: string) => {
    const auth = c.get('auth');
    if (!auth.isAdmin && id !== auth.projectId) throw policyForbidden('os_compute_api:os-quota-sets:show');
    return id;
  };
  const used = (projectId: string, r: string): number => {
    const u = store.usageOf(projectId);
    if (r === 'instances' || r === 'cores' || r === 'ram') return u[r];
    if (r === 'key_pairs') return 0;
    return 0;
  };

  app.get('/limits', (c) => {
    const auth = c.get('auth');
    const mv = c.get('mv');
    const projectId = auth.isAdmin && c.req.query('tenant_id') ? c.req.query('tenant_id')! : auth.projectId;
    const q = store.quotaOf(projectId);
    const u = store.usageOf(projectId);
    const absolute: Record<string, number> = {
      maxServerMeta: q.metadata_items,
      maxTotalInstances: q.instances,
      maxTotalCores: q.cores,
      maxTotalRAMSize: q.ram,
      maxTotalKeypairs: q.key_pairs,
      maxServerGroups: q.server_groups,
      maxServerGroupMembers: q.server_group_members,
      totalCoresUsed: u.cores,
      totalInstancesUsed: u.instances,
      totalRAMUsed: u.ram,
      totalServerGroupsUsed: 0,
    };
    if (mv < 39) absolute.maxImageMeta = 128;
    if (mv < 57)
      Object.assign(absolute, { maxPersonality: q.injected_files, maxPersonalitySize: q.injected_file_content_bytes });
    if (mv < 36)
      Object.assign(absolute, {
        maxTotalFloatingIps: -1,
        totalFloatingIpsUsed: 0,
        maxSecurityGroups: -1,
        totalSecurityGroupsUsed: 0,
        maxSecurityGroupRules: -1,
      });
    return c.json({ limits: { rate: [], absolute } });
  });

  const quotaSet = (c: ComputeContext, projectId: string, withId: boolean) => {
    const q = { ...legacy, ...store.quotaOf(projectId) };
    const out: Record<string, unknown> = withId ? { id: projectId } : {};
    for (const r of resources(c.get('mv'))) out[r] = q[r];
    return out;
  };

  app.get('/os-quota-sets/:project/defaults', (c) => {
    const d = { ...legacy, ...defaultQuota(svc.cloud.options) };
    const out: Record<string, unknown> = { id: c.req.param('project') };
    for (const r of resources(c.get('mv'))) out[r] = d[r];
    return c.json({ quota_set: out });
  });
  app.get('/os-quota-sets/:project/detail', (c) => {
    const p = targetProject(c, c.req.param('project'));
    const q = { ...legacy, ...store.quotaOf(p) };
    const out: Record<string, unknown> = { id: p };
    for (const r of resources(c.get('mv'))) out[r] = { in_use: used(p, r), limit: q[r], reserved: 0 };
    return c.json({ quota_set: out });
  });
  app.get('/os-quota-sets/:project', (c) =>
    c.json({ quota_set: quotaSet(c, targetProject(c, c.req.param('project')), true) }),
  );
  app.put('/os-quota-sets/:project', async (c) => {
    requireAdmin(c, 'os_compute_api:os-quota-sets:update');
    const p = c.req.param('project');
    const qs = requireObject(await readJsonBody(c, badRequest), 'quota_set');
    const allowed = new Set([...resources(c.get('mv')), 'force']);
    const next = { ...store.quotas.get(p) };
    for (const [k, v] of Object.entries(qs)) {
      if (!allowed.has(k))
        throw badRequest(
          `Invalid input for field/attribute quota_set. Additional properties are not allowed ('${k}' was unexpected)`,
        );
      if (k === 'force') continue;
      const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < -1)
        throw schemaError(`quota_set/${k}`, v, `${JSON.stringify(v)} is less than the minimum of -1`);
      const inUse = used(p, k);
      if (qs.force !== true && n !== -1 && n < inUse)
        throw badRequest(
          `Quota limit ${n} for ${k} must be greater than or equal to already used and reserved ${inUse}.`,
        );
      next[k] = n;
    }
    store.quotas.set(p, next);
    return c.json({ quota_set: quotaSet(c, p, false) });
  });
  app.delete('/os-quota-sets/:project', (c) => {
    requireAdmin(c, 'os_compute_api:os-quota-sets:delete');
    store.quotas.delete(c.req.param('project'));
    return c.body(null, 202);
  });
  return app;
}
