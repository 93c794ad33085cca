import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Orm } from '../../domain/db/orm';
import { AppEnvironment, Site, SiteHost, TenantDatabase } from '../../domain/entities';
import { defaultHealthCheckIntervalMs, healthProblem, type HealthExpectation } from '../../domain/sites/health';
import { pruneReleases } from '../../domain/sites/releases';
import { httpGet } from './health-check';
import type { SitesSettings } from './settings';
import type { DatabaseCredentials } from '../dbservice/activities';

/** What the site's PHP reads to reach its database. */
export const databaseEnv = (d: DatabaseCredentials): Record<string, string> => ({
  CMP_DB_HOST: d.host,
  CMP_DB_PORT: String(d.port),
  CMP_DB_NAME: d.database,
  CMP_DB_USER: d.username,
  CMP_DB_PASSWORD: d.password,
});
import { siteOnHost, spaceOf } from './space';
import { ensureSiteFtp, forgetSiteFtp } from './ftp-accounts';
import { isHostUnreachable } from './agent';

export interface SiteView {
  siteId: string;
  status: string;
  liveRelease: number | null;
  url: string | null;
}

/** Activities of `site-<siteId>` and of a site order's provisioning (cmp-orchestration: the database and the hosts' agents). */
export function createSiteActivities(orm: Orm, settings: SitesSettings | undefined) {
  const need = () => {
    if (!settings) throw ApplicationFailure.nonRetryable('shared web hosting is not configured', 'NotConfigured');
    return settings;
  };
  const view = (s: Site): SiteView => ({
    siteId: s.id,
    status: s.status,
    liveRelease: s.liveRelease ?? null,
    url: s.url ?? null,
  });

  return {
    /** Code space, system user, php-fpm pool and vhost on the site's host; the site is then ready for its first release. */
    async setupSite({
      siteId,
      database,
    }: {
      siteId: string;
      database?: DatabaseCredentials | null;
    }): Promise<SiteView> {
      const em = orm.em.fork();
      const { site, host, agent, space } = await siteOnHost(em, need(), siteId);
      site.status = 'provisioning';
      await em.flush();
      try {
        const layout = await agent.createSite(space, database ? databaseEnv(database) : {});
        // Its FTP account (where the host serves FTP and its app environment has FTP): the tenant sets or draws its
        // password through the API. A site whose account cannot be made is still built, without FTP (GET /sites/{id}/ftp
        // answers 404). A host that does not answer is retried (below) like the rest of the setup: the retry finds the
        // sealed password.
        const environment = site.environmentId
          ? await em.findOne(AppEnvironment, { id: site.environmentId }, { fields: ['ftp'] })
          : null;
        if (environment?.ftp !== false)
          await ensureSiteFtp(em, agent, site, host).catch((e: unknown) => {
            if (isHostUnreachable(e)) throw e;
            console.warn(`sites: site ${site.id} is set up without FTP: ${(e as Error).message}`);
          });
        site.systemUser = layout.user;
        site.status = 'ready';
        site.failure = null;
      } catch (e) {
        // The host did not answer: the attempt fails retryably (createSite and the FTP account are idempotent); the site
        // stays provisioning until an attempt gets through or the workflow, out of attempts, undoes it.
        if (isHostUnreachable(e)) throw ApplicationFailure.retryable((e as Error).message, 'SiteHostUnreachable');
        site.status = 'failed';
        site.failure = (e as Error).message.slice(0, 2000);
        await em.flush();
        throw ApplicationFailure.nonRetryable(
          `the site could not be set up: ${(e as Error).message}`,
          'SiteSetupFailed',
        );
      }
      await em.flush();
      return view(site);
    },

    /** Points the site's `current` at a release; answers the release it pointed at before. */
    async activateSiteRelease({ siteId, release }: { siteId: string; release: number }): Promise<number | null> {
      const em = orm.em.fork();
      const { site, agent, space } = await siteOnHost(em, need(), siteId);
      if (!site.releases.some((r) => r.number === release))
        throw ApplicationFailure.nonRetryable(`site ${siteId} has no release ${release}`, 'SiteReleaseNotFound');
      return agent.activateRelease(space, release);
    },

    /**
     * `current` back at the release recorded live; a site never live has none: `current` is removed, so nginx serves no
     * release of it (404) rather than one that failed its check. Answers the release live (or null).
     */
    async restoreSiteLive({ siteId }: { siteId: string }): Promise<number | null> {
      const em = orm.em.fork();
      const { site, agent, space } = await siteOnHost(em, need(), siteId);
      const live = site.liveRelease ?? null;
      if (live === null) await agent.deactivateRelease(space);
      else await agent.activateRelease(space, live);
      return live;
    },

    /** GET on the site through its host's nginx, retried a few times while a reload settles; a problem or null. */
    async checkSiteHealth({ siteId, expect }: { siteId: string; expect: HealthExpectation }): Promise<string | null> {
      const em = orm.em.fork();
      const { site, host, agent } = await siteOnHost(em, need(), siteId);
      const { httpPort } = await agent.ensureStack();
      let problem: string | null = null;
      for (let attempt = 0; attempt < 10; attempt++) {
        Context.current().heartbeat({ attempt });
        try {
          problem = healthProblem(expect, await httpGet(host.address, httpPort, site.hostname, expect.path));
        } catch (e) {
          problem = `GET ${expect.path} failed: ${(e as Error).message}`;
        }
        if (!problem) return null;
        await new Promise((r) => setTimeout(r, 300));
      }
      return problem;
    },

    /** The release is live: recorded with the site's URL; releases past the kept number are removed from the host. */
    async recordSiteLive({ siteId, release }: { siteId: string; release: number }): Promise<SiteView> {
      const s = need();
      const em = orm.em.fork();
      const { site, host, agent, space } = await siteOnHost(em, s, siteId);
      const { httpPort } = await agent.ensureStack();
      // A dedicated site's name is served through the front door (or the DNS provider) from its load balancer.
      const named = host.driver === 'members' && s.frontDoor;
      if (named) await s.frontDoor!.point(site.hostname, { address: host.address, port: httpPort });
      const now = new Date().toISOString();
      const { kept, dropped } = pruneReleases(site.releases, s.keepReleases, release);
      for (const r of dropped) await agent.removeRelease(space, r.number);
      site.releases = kept.map((r) => (r.number === release ? { ...r, publishedAt: now } : r));
      site.liveRelease = release;
      site.status = 'live';
      site.url = named ? s.frontDoor!.urlOf(site.hostname) : `http://${site.hostname}:${httpPort}/`;
      site.failure = null;
      await em.flush();
      return view(site);
    },

    /**
     * A publish that failed: the cause is kept on the site. `live` (when given) is the release `current` was switched
     * back to, recorded as the live one (none: the site is ready, not live), whatever a half-done record wrote.
     */
    async recordSitePublishFailed({
      siteId,
      message,
      live,
    }: {
      siteId: string;
      message: string;
      live?: number | null;
    }): Promise<void> {
      const em = orm.em.fork();
      const site = await em.findOneOrFail(Site, { id: siteId });
      site.failure = message.slice(0, 2000);
      if (live !== undefined && site.status !== 'removing' && site.status !== 'removed') {
        site.liveRelease = live;
        site.status = live === null ? 'ready' : 'live';
        if (live === null) site.url = null;
      }
      await em.flush();
    },

    /**
     * Vhost, pool, code space and system user of the site removed from its host (what there is of them: also after a
     * setup that failed half-way); answers the site's database on the database service, if it has one, to drop next.
     */
    async removeSiteFromHost({ siteId }: { siteId: string }): Promise<{ tenantId: string; database: string | null }> {
      const em = orm.em.fork();
      const site = await em.findOneOrFail(Site, { id: siteId });
      const host = await em.findOneOrFail(SiteHost, { id: site.hostId });
      // A dedicated site whose web servers were never built has nothing on a host.
      if (host.driver !== 'members' || host.members?.servers.length)
        await need().agents.forHost(host).removeSite(spaceOf(site));
      const db = await em.findOne(TenantDatabase, { siteId }, { fields: ['name'] });
      return { tenantId: site.tenantId, database: db?.name ?? null };
    },

    /** How often a live site's process checks its health (the SITES_HEALTH_CHECK_SECONDS setting). */
    async siteHealthIntervalMs(): Promise<number> {
      return settings?.healthCheckIntervalMs ?? defaultHealthCheckIntervalMs;
    },

    /** The periodic check's outcome on the site's record (only its health columns: nothing else of the row is touched). */
    async recordSiteHealth({ siteId, problem }: { siteId: string; problem: string | null }): Promise<void> {
      await orm.em.fork().nativeUpdate(
        Site,
        { id: siteId },
        {
          health: problem ? 'unhealthy' : 'healthy',
          healthProblem: problem?.slice(0, 2000) ?? null,
          healthCheckedAt: new Date(),
        },
      );
    },

    /** What a site alarm names: the site's tenant and URL (no secrets). */
    async siteAlarmSubject({ siteId }: { siteId: string }): Promise<{ tenantId: string; url: string | null }> {
      const site = await orm.em.fork().findOneOrFail(Site, { id: siteId }, { fields: ['tenantId', 'url'] });
      return { tenantId: site.tenantId, url: site.url ?? null };
    },

    /** The site is gone: its room on the host is free, its name can be ordered again, its FTP record (sealed password) deleted. */
    async recordSiteRemoved({ siteId }: { siteId: string }): Promise<SiteView> {
      const em = orm.em.fork();
      const site = await em.findOneOrFail(Site, { id: siteId });
      await forgetSiteFtp(em, siteId);
      if (site.status !== 'removed') {
        site.status = 'removed';
        site.name = removedName(site);
        site.liveRelease = null;
        site.url = null;
        site.cleanupFailure = null;
        await em.flush();
      }
      return view(site);
    },

    /**
     * A provisioning that failed, undone: the site stays `failed` with its cause and holds no room on its host; or, when
     * the undo did not finish (`cleanupFailure`), with that cause too, holding its room until DELETE removes what is left.
     */
    async recordSiteSetupUndone({
      siteId,
      message,
      cleanupFailure,
    }: {
      siteId: string;
      message: string;
      cleanupFailure?: string | null;
    }): Promise<void> {
      const em = orm.em.fork();
      const site = await em.findOneOrFail(Site, { id: siteId });
      site.status = 'failed';
      site.failure ??= message.slice(0, 2000);
      site.cleanupFailure = cleanupFailure?.slice(0, 2000) ?? null;
      await em.flush();
    },
  };
}

/** A removed site's name, freed for a new site (names are unique among every site row). */
export const removedName = (site: Site) => `removed-${site.id}`;

export type SiteActivities = ReturnType<typeof createSiteActivities>;
