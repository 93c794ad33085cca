import { randomBytes } from 'node:crypto';
import type { Orm } from '../../domain/db/orm';
import { Tenant } from '../../domain/entities';
import type { CloudSession, ProvisionSessions } from './provision-session';

async function roleId(admin: CloudSession, name: string): Promise<string> {
  const { roles } = await admin.call<{ roles: Array<{ id: string }> }>('identity', 'GET', `/roles?name=${encodeURIComponent(name)}`);
  if (!roles[0]) throw new Error(`Keystone has no role ${name}`);
  return roles[0].id;
}

/**
 * The platform's quotas are the authority (reserved atomically per order); the project's own Nova,
 * Cinder and Neutron quotas are lifted so the cloud's defaults (10 instances...) never contradict them.
 */
async function liftProjectQuotas(admin: CloudSession, projectId: string): Promise<void> {
  await admin.call('compute', 'PUT', `/os-quota-sets/${projectId}`, { quota_set: { instances: -1, cores: -1, ram: -1 } });
  await admin.call('volumev3', 'PUT', `/os-quota-sets/${projectId}`, { quota_set: { volumes: -1, gigabytes: -1, snapshots: -1 } });
  await admin.call('network', 'PUT', `/v2.0/quotas/${projectId}`, { quota: { floatingip: -1, network: -1, subnet: -1, router: -1, port: -1 } });
}

/**
 * The tenant's Keystone project, made on first need: project `cmp-<tenantId>`, a user of the same
 * name with the `member` role in it, and the `admin` role for the platform's own account so it can
 * act there. Looked up by name before anything is created, so a retry or a concurrent call finds it;
 * the id is stored on the tenant.
 */
export async function ensureTenantProject(orm: Orm, sessions: ProvisionSessions, tenantId: string): Promise<{ projectId: string }> {
  const em = orm.em.fork();
  const tenant = await em.findOneOrFail(Tenant, { id: tenantId });
  if (tenant.openstackProjectId) return { projectId: tenant.openstackProjectId };
  const admin = await sessions.admin();
  const name = `cmp-${tenantId}`;
  const found = await admin.call<{ projects: Array<{ id: string }> }>('identity', 'GET', `/projects?name=${encodeURIComponent(name)}`);
  const projectId =
    found.projects[0]?.id ??
    (await admin.call<{ project: { id: string } }>('identity', 'POST', '/projects', { project: { name, description: `CMP tenant ${tenant.name}`, domain_id: 'default', enabled: true } })).project.id;

  const users = await admin.call<{ users: Array<{ id: string }> }>('identity', 'GET', `/users?name=${encodeURIComponent(name)}`);
  const userId =
    users.users[0]?.id ??
    (await admin.call<{ user: { id: string } }>('identity', 'POST', '/users', {
      user: { name, domain_id: 'default', default_project_id: projectId, enabled: true, password: randomBytes(24).toString('base64url') },
    })).user.id;
  await admin.call('identity', 'PUT', `/projects/${projectId}/users/${userId}/roles/${await roleId(admin, 'member')}`);

  const me = await admin.call<{ users: Array<{ id: string }> }>('identity', 'GET', `/users?name=${encodeURIComponent(sessions.settings.username)}`);
  if (me.users[0]) await admin.call('identity', 'PUT', `/projects/${projectId}/users/${me.users[0].id}/roles/${await roleId(admin, 'admin')}`);

  await liftProjectQuotas(admin, projectId);

  await em.nativeUpdate(Tenant, { id: tenantId, openstackProjectId: null }, { openstackProjectId: projectId });
  const stored = await orm.em.fork().findOneOrFail(Tenant, { id: tenantId });
  return { projectId: stored.openstackProjectId ?? projectId };
}
