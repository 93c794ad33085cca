import { Hono } from 'hono';
import { z } from 'zod';
import { SiteFtpAccount, SiteHost } from '../../domain/entities';
import { generateDatabasePassword as generatePassword, tenantPasswordPattern } from '../../domain/dbservice/names';
import { ensureSiteFtp } from '../../activities/sites/ftp-accounts';
import { ApiError, conflict, notFound } from '../lib/api-error';
import { isHostUnreachable } from '../../activities/sites/agent';
import { optionalBody } from '../lib/validate';
import { requireAuth } from '../middleware/authenticate';
import type { AppEnv } from '../deps';
import { settingsOf, visibleSite } from './sites';

const passwordBody = z
  .object({ password: z.string().regex(tenantPasswordPattern, '12 to 72 printable ASCII characters').optional() })
  .strict();

function ftpView(a: SiteFtpAccount, host: SiteHost) {
  return {
    siteId: a.siteId,
    host: host.address,
    port: a.port,
    username: a.username,
    createdAt: a.createdAt.toISOString(),
    passwordChangedAt: a.passwordChangedAt.toISOString(),
  };
}

/**
 * A site's FTP account (pure-ftpd on its shared host, chrooted to its code space). Its password is sealed and
 * never answered again, except by the call that sets a new one (drawn, or the tenant's).
 */
export const siteFtpRouter = new Hono<AppEnv>();
siteFtpRouter.use('*', requireAuth);

siteFtpRouter.get('/:siteId/ftp', async (c) => {
  const site = await visibleSite(c, 'read');
  const em = c.get('em');
  const account = await em.findOne(SiteFtpAccount, { siteId: site.id });
  // None where its host serves no FTP (no port, no pure-ftpd) or its account could not be made at setup.
  if (!account) throw notFound('ftp account of site', site.id);
  return c.json(ftpView(account, await em.findOneOrFail(SiteHost, { id: site.hostId })));
});

siteFtpRouter.post('/:siteId/ftp/password', async (c) => {
  const site = await visibleSite(c, 'operate');
  // Not while the site is set up or taken off its host (a removal would leave the new password's account behind).
  if (!['ready', 'live'].includes(site.status)) throw conflict(`site is ${site.status}`, { status: site.status });
  const body = await optionalBody(c, passwordBody);
  const em = c.get('em');
  if (!(await em.findOne(SiteFtpAccount, { siteId: site.id }))) throw notFound('ftp account of site', site.id);
  const host = await em.findOneOrFail(SiteHost, { id: site.hostId });
  const agent = settingsOf(c).agents.forHost(host);
  // The host first, then the sealed record: a call that fails leaves the record (and, unless the host applied it, the
  // old password) as it was, and answers no password; calling again sets a new one, so a retry is always safe.
  const set = await ensureSiteFtp(em, agent, site, host, body.password ?? generatePassword()).catch((e: unknown) => {
    if (isHostUnreachable(e)) throw new ApiError(503, 'host_unreachable', (e as Error).message, { retryable: true });
    throw e;
  });
  if (!set) throw notFound('ftp account of site', site.id);
  c.set('audit', {
    action: 'site.ftp.password',
    targetType: 'site',
    targetId: site.id,
    tenantId: site.tenantId,
    details: { chosen: body.password !== undefined },
  });
  return c.json({ ...ftpView(set.account, host), password: set.password });
});
