import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import type { Config } from '../../config';
import { RoleAssignment, User } from '../../domain/entities';
import { hashPassword } from './passwords';

/** AUTH_SECRET, or a random one kept in the data folder so tokens survive restarts. */
export function resolveAuthSecret(config: Config): string {
  if (config.AUTH_SECRET) return config.AUTH_SECRET;
  const file = path.join(config.dataDir, 'auth-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * Creates the first platform admin when the platform has none. Without BOOTSTRAP_ADMIN_PASSWORD a random
 * password is written to `<data>/bootstrap-admin.txt` (mode 600) for the operator to read once.
 */
export async function ensureBootstrapAdmin(
  em: EntityManager,
  config: Config,
): Promise<{ created: boolean; passwordFile?: string }> {
  const email = config.BOOTSTRAP_ADMIN_EMAIL.toLowerCase();
  // Only a platform without any platform admin gets one: a deleted bootstrap admin must stay deleted.
  if (await em.count(RoleAssignment, { role: 'platform_admin' })) return { created: false };
  if (await em.findOne(User, { email })) return { created: false };
  const password = config.BOOTSTRAP_ADMIN_PASSWORD ?? `${randomBytes(12).toString('base64url')}-Aa1`;
  const user = Object.assign(new User(), {
    email,
    displayName: 'Platform admin',
    passwordHash: await hashPassword(password),
    status: 'active' as const,
    tenantId: null,
  });
  em.persist([
    user,
    Object.assign(new RoleAssignment(), { userId: user.id, role: 'platform_admin' as const, tenantId: null }),
  ]);
  await em.flush();
  if (config.BOOTSTRAP_ADMIN_PASSWORD) return { created: true };
  mkdirSync(config.dataDir, { recursive: true });
  const passwordFile = path.join(config.dataDir, 'bootstrap-admin.txt');
  writeFileSync(passwordFile, `${email}\n${password}\n`, { mode: 0o600 });
  chmodSync(passwordFile, 0o600);
  return { created: true, passwordFile };
}
