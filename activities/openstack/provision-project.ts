import { randomBytes } from 'node:crypto';
import type { Orm } from '../../domain/db/orm';
import { Tenant } from '../../domain/entities';
import type { Cloud } from './cloud';
import type { OpenStackClient } from './client';
import { failureTypeOf, OpenStackFailureType } from './errors';

async function roleId(admin: OpenStackClient, name: string): Promise<string> {
  const role = await admin.identity.findRole(name);
  if (!role) throw new Error(`Keystone has no role ${name}`);
  return role.id;
}

/**
 * The platform's quotas are the authority (reserved atomically per order); the project's own Nova,
 * Cinder and Neutron quotas are lifted so the cloud's defaults (10 instances...) never contradict them.
 */
async function liftProjectQuotas(admin: OpenStackClient, projectId: string): Promise<void> {
  await admin.compute.updateQuotaSet(projectId, { instances: -1, cores: -1, ram: -1 });
  await admin.blockStorage.updateQuotaSet(projectId, { volumes: -1, gigabytes: -1, snapshots: -1 });
  await admin.network.updateQuota(projectId, { floatingip: -1, network: -1, subnet: -1, router: -1, port: -1 });
}

/** Finds the object, else creates it; a concurrent creator's 409 means it exists now: found again. */
async function findOrCreate(find: () => Promise<string | undefined>, create: () => Promise<string>): Promise<string> {
  const found = await find();
  if (found) return found;
  try {
    return await create();
  } catch (e) {
    if (failureTypeOf(e) !== OpenStackFailureType.Conflict) throw e;
    const now = await find();
    if (!now) throw e;
    return now;
  }
}

/**
 * The tenant's Keystone project, made on first need (his first order, or his first network, volume,
 * router... made directly): project `cmp-<tenantId>`, a user of the same
 * name with the `member` role in it, and the `member` role (not `admin`) for the platform's own
 * account, which acts there with a token scoped to the project: OpenStack's own policies then keep
 * the platform's tenant work inside the tenant's project. Looked up by name before anything is created, so a retry or a concurrent call finds it;
 * the id is stored on the tenant.
 */
export async function ensureTenantProject(
  orm: Orm,
  cloud: Pick<Cloud, 'admin'>,
  tenantId: string,
): Promise<{ projectId: string }> {
  const em = orm.em.fork();
  const tenant = await em.findOneOrFail(Tenant, { id: tenantId });
  if (tenant.openstackProjectId) return { projectId: tenant.openstackProjectId };
  const admin = cloud.admin();
  const name = `cmp-${tenantId}`;
  const projectId = await findOrCreate(
    async () => (await admin.identity.findProject(name))?.id,
    async () =>
      (
        await admin.identity.createProject({
          name,
          description: `CMP tenant ${tenant.name}`,
          domain_id: 'default',
          enabled: true,
        })
      ).id,
  );

  const userId = await findOrCreate(
    async () => (await admin.identity.listUsers({ name }))[0]?.id,
    async () =>
      (
        await admin.identity.createUser({
          name,
          domain_id: 'default',
          default_project_id: projectId,
          enabled: true,
          password: randomBytes(24).toString('base64url'),
        })
      ).id,
  );
  await admin.identity.assignProjectRole(projectId, userId, await roleId(admin, 'member'));

  const me = (await admin.session.token()).userId;
  await admin.identity.assignProjectRole(projectId, me, await roleId(admin, 'member'));

  await liftProjectQuotas(admin, projectId);

  await em.nativeUpdate(Tenant, { id: tenantId, openstackProjectId: null }, { openstackProjectId: projectId });
  const stored = await orm.em.fork().findOneOrFail(Tenant, { id: tenantId });
  return { projectId: stored.openstackProjectId ?? projectId };
}
