/**
 * Activities of a dedicated site's build and of a migration shared → dedicated (cmp-orchestration: the database and
 * the hosts' agents). The cloud side is in activities/openstack (servers, load balancer, security group).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Orm } from '../../domain/db/orm';
import {
  AppEnvironment,
  OrderItem,
  Site,
  SiteHost,
  TenantDatabase,
  type DedicatedDeployment,
  type SiteMigration,
} from '../../domain/entities';
import { dedicatedDatabaseName, siteDatabaseName } from '../../domain/sites/database';
import { defaultHealth, healthProblem } from '../../domain/sites/health';
import type { DatabaseCredentials } from '../dbservice/activities';
import { httpGet } from './health-check';
import { databaseEnv } from './activities';
import { assertValidCloudConfig, InvalidUserDataError, renderDedicatedUserData } from './cloud-init';
import type { SitesSettings } from './settings';
import { spaceOf } from './space';

/** A dedicated site's code space on its web servers: the site's one slot there. */
export const dedicatedSlot = 1;

export function createDedicatedSiteActivities(orm: Orm, settings: SitesSettings | undefined) {
  const need = () => {
    if (!settings) throw ApplicationFailure.nonRetryable('web hosting is not configured', 'NotConfigured');
    return settings;
  };

  return {
    /**
     * The web servers' cloud-init user data from the site's app environment version, checked with `cloud-init schema`
     * (no secret in it: the database password reaches PHP through the host agent), and the port they serve on.
     */
    async dedicatedUserData({
      siteId,
      database,
    }: {
      siteId: string;
      database?: Pick<DatabaseCredentials, 'host' | 'port' | 'database' | 'username'> | null;
    }): Promise<{ userData: string; memberPort: number }> {
      const s = need();
      const em = orm.em.fork();
      const site = await em.findOneOrFail(Site, { id: siteId });
      const environment = await em.findOneOrFail(AppEnvironment, { id: site.environmentId! });
      try {
        const userData = await assertValidCloudConfig(
          renderDedicatedUserData({
            environment,
            hostname: site.hostname,
            siteId,
            ...(database
              ? {
                  database: {
                    host: database.host,
                    port: database.port,
                    name: database.database,
                    user: database.username,
                  },
                }
              : {}),
            sharedVolume: { device: '/dev/vdb' },
          }),
        );
        if (!s.memberHttpPort) throw ApplicationFailure.nonRetryable('no port is set for web servers', 'NotConfigured');
        return { userData, memberPort: s.memberHttpPort };
      } catch (e) {
        if (e instanceof InvalidUserDataError) throw ApplicationFailure.nonRetryable(e.message, 'UserDataInvalid');
        throw e;
      }
    },

    /**
     * What was built of the site, on its record, and its host record pointed at its web servers and listener (so the
     * site activities drive every member and check the site through the load balancer).
     */
    async recordDedicatedDeployment({
      siteId,
      deployment,
    }: {
      siteId: string;
      deployment: DedicatedDeployment;
    }): Promise<void> {
      const em = orm.em.fork();
      const site = await em.findOneOrFail(Site, { id: siteId });
      const host = await em.findOneOrFail(SiteHost, { name: `dedicated-${siteId}` });
      host.address = deployment.endpoint.address;
      host.members = { servers: deployment.members, port: deployment.endpoint.port };
      site.dedicated = { spec: site.dedicated!.spec, deployment };
      await em.flush();
    },

    /** The order item a dedicated site's cloud objects are recorded on (its order's, or its migration's). */
    async dedicatedSiteItem({ siteId }: { siteId: string }): Promise<string | null> {
      const em = orm.em.fork();
      const site = await em.findOneOrFail(Site, { id: siteId }, { fields: ['orderId', 'migration', 'tier'] });
      const orderId = site.migration?.orderId ?? site.orderId;
      if (!orderId || (site.tier !== 'dedicated' && !site.migration)) return null;
      const item = await em.findOne(OrderItem, { orderId, kind: 'site' }, { fields: ['id'] });
      return item?.id ?? null;
    },

    /** After a dedicated site's removal: its web servers' stacks stopped, its host record retired. */
    async retireDedicatedHost({ siteId }: { siteId: string }): Promise<void> {
      const em = orm.em.fork();
      const site = await em.findOneOrFail(Site, { id: siteId }, { fields: ['hostname'] });
      await settings?.frontDoor?.remove(site.hostname);
      const host = await em.findOne(SiteHost, { name: `dedicated-${siteId}` });
      if (!host) return;
      if (host.members) await need().agents.forHost(host).stop();
      host.status = 'disabled';
      await em.flush();
    },

    /** The migration's copy asked for its home page through its load balancer, with the site's name; a problem or null. */
    async checkDedicatedCopy({ siteId }: { siteId: string }): Promise<string | null> {
      const em = orm.em.fork();
      const site = await em.findOneOrFail(Site, { id: siteId }, { fields: ['hostname'] });
      const host = await em.findOneOrFail(SiteHost, { name: `dedicated-${siteId}` });
      const { httpPort } = await need().agents.forHost(host).ensureStack();
      let problem: string | null = null;
      for (let attempt = 0; attempt < 20; attempt++) {
        Context.current().heartbeat({ attempt });
        try {
          problem = healthProblem(
            defaultHealth,
            await httpGet(host.address, httpPort, site.hostname, defaultHealth.path),
          );
        } catch (e) {
          problem = `GET ${defaultHealth.path} failed: ${(e as Error).message}`;
        }
        if (!problem) return null;
        await new Promise((r) => setTimeout(r, 500));
      }
      return problem;
    },

    /** A migration's record on the site (its state, window, failure), merged into what is there. */
    async recordSiteMigration({
      siteId,
      migration,
    }: {
      siteId: string;
      migration: Partial<SiteMigration>;
    }): Promise<SiteMigration> {
      const em = orm.em.fork();
      const site = await em.findOneOrFail(Site, { id: siteId });
      site.migration = { ...site.migration!, ...migration };
      await em.flush();
      return site.migration;
    },

    /**
     * The start of `site-migrate-<siteId>`: the site's dedicated host record (members come when built) and its
     * migration record, with the shared host and slot it leaves. A second call finds both.
     */
    async prepareSiteMigration({
      siteId,
      orderId,
      spec,
    }: {
      siteId: string;
      orderId: string;
      spec: NonNullable<Site['dedicated']>['spec'];
    }): Promise<{ fromHostId: string; fromSlot: number; liveRelease: number | null; database: string | null }> {
      const em = orm.em.fork();
      const site = await em.findOneOrFail(Site, { id: siteId });
      if (!site.migration || site.migration.orderId !== orderId || site.migration.state === 'ordered') {
        if (site.tier !== 'shared')
          throw ApplicationFailure.nonRetryable(`site ${site.name} is already dedicated`, 'SiteMigrationRefused');
        site.migration = {
          state: 'provisioning',
          orderId,
          fromHostId: site.hostId,
          fromSlot: site.slot,
          startedAt: new Date().toISOString(),
        };
        site.dedicated = { spec, deployment: null };
      }
      const host = await em.findOne(SiteHost, { name: `dedicated-${siteId}` });
      if (host) host.status = 'dedicated';
      else
        em.create(SiteHost, {
          name: `dedicated-${siteId}`,
          address: '',
          driver: 'members',
          capacitySites: 1,
          capacityDiskMb: site.diskMb,
          status: 'dedicated',
          members: null,
          createdAt: new Date(),
          updatedAt: new Date(),
        });
      await em.flush();
      const db = await em.findOne(TenantDatabase, { name: siteDatabaseName(siteId), tenantId: site.tenantId });
      return {
        fromHostId: site.migration.fromHostId,
        fromSlot: site.migration.fromSlot,
        liveRelease: site.liveRelease ?? null,
        database: db?.name ?? null,
      };
    },

    /**
     * The migration's copy: the site's code space on its web servers (with the new database's credentials), the live
     * release exported from the shared host and unpacked there as the same release, made current. Idempotent.
     */
    async copySiteToDedicated({
      siteId,
      database,
    }: {
      siteId: string;
      database: DatabaseCredentials | null;
    }): Promise<{ release: number | null }> {
      const s = need();
      const em = orm.em.fork();
      const site = await em.findOneOrFail(Site, { id: siteId });
      const migration = site.migration!;
      const from = await em.findOneOrFail(SiteHost, { id: migration.fromHostId });
      const to = await em.findOneOrFail(SiteHost, { name: `dedicated-${siteId}` });
      const shared = { ...spaceOf(site), slot: migration.fromSlot };
      const dedicated = { ...spaceOf(site), slot: dedicatedSlot };
      const agent = s.agents.forHost(to);
      await agent.createSite(dedicated, database ? databaseEnv(database) : {});
      const release = site.liveRelease ?? null;
      if (release === null) return { release };
      const dir = await mkdtemp(path.join(tmpdir(), 'cmp-site-copy-'));
      try {
        const archive = path.join(dir, `release-${release}.tar.gz`);
        await s.agents.forHost(from).exportRelease(shared, release, archive);
        await agent.removeRelease(dedicated, release);
        await agent.unpackRelease(dedicated, archive, 'tar.gz', release);
        await agent.activateRelease(dedicated, release);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      return { release };
    },

    /**
     * Where the site's name points: its dedicated listener (`to: 'dedicated'`) or the shared host's web server. The
     * record follows (host, slot, tier, URL); the shared code space stays until the window ends.
     */
    async switchSiteTier({
      siteId,
      to,
      windowEndsAt,
    }: {
      siteId: string;
      to: 'dedicated' | 'shared';
      windowEndsAt?: string | null;
    }): Promise<{ hostname: string; target: { address: string; port: number } }> {
      const s = need();
      const em = orm.em.fork();
      const site = await em.findOneOrFail(Site, { id: siteId });
      const migration = site.migration!;
      const host =
        to === 'dedicated'
          ? await em.findOneOrFail(SiteHost, { name: `dedicated-${siteId}` })
          : await em.findOneOrFail(SiteHost, { id: migration.fromHostId });
      const { httpPort } = await s.agents.forHost(host).ensureStack();
      const target = { address: host.address, port: httpPort };
      if (s.frontDoor) await s.frontDoor.point(site.hostname, target);
      site.hostId = host.id;
      site.slot = to === 'dedicated' ? dedicatedSlot : migration.fromSlot;
      site.tier = to;
      if (site.url) site.url = s.frontDoor ? s.frontDoor.urlOf(site.hostname) : `http://${site.hostname}:${httpPort}/`;
      site.migration = {
        ...migration,
        state: to === 'dedicated' ? 'cut-over' : migration.state,
        ...(windowEndsAt !== undefined ? { windowEndsAt } : {}),
      };
      // The databases follow: the site's is the one its code now reads.
      const names = [siteDatabaseName(site.id), dedicatedDatabaseName(site.id)];
      for (const db of await em.find(TenantDatabase, { tenantId: site.tenantId, name: { $in: names } }))
        db.siteId = (db.name === names[1]) === (to === 'dedicated') ? site.id : null;
      await em.flush();
      return { hostname: site.hostname, target };
    },

    /** The shared code space a migrated site left (vhost, pool, FTP, files), once its window has ended. Idempotent. */
    async removeSharedCopy({ siteId }: { siteId: string }): Promise<void> {
      const s = need();
      const em = orm.em.fork();
      const site = await em.findOneOrFail(Site, { id: siteId });
      const migration = site.migration!;
      const from = await em.findOneOrFail(SiteHost, { id: migration.fromHostId });
      await s.agents.forHost(from).removeSite({ ...spaceOf(site), slot: migration.fromSlot });
    },

    /** The migration's dedicated copy taken off its web servers (the rollback's; the cloud objects go next). */
    async removeDedicatedCopy({ siteId }: { siteId: string }): Promise<void> {
      const s = need();
      const em = orm.em.fork();
      const site = await em.findOneOrFail(Site, { id: siteId });
      const host = await em.findOne(SiteHost, { name: `dedicated-${siteId}` });
      if (host?.members) {
        const agent = s.agents.forHost(host);
        await agent.removeSite({ ...spaceOf(site), slot: dedicatedSlot });
        await agent.stop();
      }
      if (host) Object.assign(host, { status: 'disabled', members: null });
      if (site.tier === 'shared') site.dedicated = null;
      await em.flush();
    },
  };
}

export type DedicatedSiteActivities = ReturnType<typeof createDedicatedSiteActivities>;
