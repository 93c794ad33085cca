import type { EntityManager } from '@mikro-orm/core';
import { RoleAssignment, Tenant, User } from '../../domain/entities';
import { passwordProblems } from '../../domain/identity/password-policy';
import { conflict, unprocessable } from '../lib/api-error';
import type { AppDeps } from '../deps';
import { hashPassword } from './passwords';
import { readSettings } from './settings';

export interface RegistrationRequest {
  email: string;
  password: string;
  displayName: string;
  tenantName: string;
  phone?: string;
}

export const registrationExpiryMs = 14 * 24 * 3600 * 1000;

/**
 * Creates the tenant, its first user (tenant admin) and decides whether an operator must approve. A verified
 * registration (its mail's link) brings its password already checked and hashed.
 */
export async function register(
  em: EntityManager,
  deps: AppDeps,
  req: RegistrationRequest | (Omit<RegistrationRequest, 'password'> & { passwordHash: string }),
): Promise<{ user: User; tenant: Tenant; needsApproval: boolean }> {
  const email = req.email.toLowerCase();
  if ('password' in req) {
    const problems = passwordProblems(req.password, { minLength: deps.config.PASSWORD_MIN_LENGTH }, email);
    if (problems.length)
      throw unprocessable(
        'password does not meet the policy',
        problems.map((m) => ({ path: 'password', message: m })),
      );
  }
  if (await em.findOne(User, { email })) throw conflict('an account with this e-mail already exists');
  if (await em.findOne(Tenant, { name: req.tenantName })) throw conflict(`tenant name ${req.tenantName} is taken`);

  const { registrationRequiresApproval: needsApproval } = await readSettings(em, deps.config);
  const status = needsApproval ? 'pending' : 'active';
  const tenant = Object.assign(new Tenant(), { name: req.tenantName, status });
  const user = Object.assign(new User(), {
    email,
    displayName: req.displayName,
    passwordHash: 'password' in req ? await hashPassword(req.password) : req.passwordHash,
    phone: req.phone ?? null,
    status,
    tenantId: tenant.id,
  });
  const role = Object.assign(new RoleAssignment(), {
    userId: user.id,
    role: 'tenant_admin' as const,
    tenantId: tenant.id,
  });
  em.persist([tenant, user, role]);
  await em.flush();
  return { user, tenant, needsApproval };
}

/** Removes a registration whose approval workflow could not be started. */
export async function forgetRegistration(em: EntityManager, user: User, tenant: Tenant): Promise<void> {
  await em.nativeDelete(RoleAssignment, { userId: user.id });
  await em.nativeDelete(User, { id: user.id });
  await em.nativeDelete(Tenant, { id: tenant.id });
}
