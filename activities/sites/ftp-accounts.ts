import type { EntityManager } from '@mikro-orm/core';
import { generateDatabasePassword } from '../../domain/dbservice/names';
import { SiteFtpAccount, type Site, type SiteHost } from '../../domain/entities';
import type { HostAgent } from './agent';
import { spaceOf } from './space';

/**
 * The site's FTP account on its host with `password` (a new drawn one when none is given and the site has no
 * account yet; the sealed one otherwise), recorded with the password sealed. Null where the host serves no FTP.
 * Idempotent: a retried setup finds the record and sets the same password again.
 */
export async function ensureSiteFtp(
  em: EntityManager,
  agent: HostAgent,
  site: Site,
  host: SiteHost,
  password?: string,
): Promise<{ account: SiteFtpAccount; password: string } | null> {
  const found = await em.findOne(SiteFtpAccount, { siteId: site.id });
  const pw = password ?? found?.credentials.password ?? generateDatabasePassword();
  const access = await agent.ensureFtpAccount(spaceOf(site), pw);
  if (!access) return null;
  const now = new Date();
  const account =
    found ??
    em.create(SiteFtpAccount, {
      siteId: site.id,
      tenantId: site.tenantId,
      hostId: host.id,
      username: access.username,
      port: access.port,
      credentials: { password: pw },
      createdAt: now,
      passwordChangedAt: now,
    });
  account.username = access.username;
  account.port = access.port;
  if (account.credentials.password !== pw) {
    account.credentials = { password: pw };
    account.passwordChangedAt = now;
  }
  await em.flush();
  return { account, password: pw };
}

/** The site's FTP record (with its sealed password) deleted, once the site is gone; idempotent. */
export async function forgetSiteFtp(em: EntityManager, siteId: string): Promise<void> {
  await em.nativeDelete(SiteFtpAccount, { siteId });
}
