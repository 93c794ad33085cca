import type { EntityManager } from '@mikro-orm/core';
import { Site, SiteHost } from '../../domain/entities';
import type { HostAgent, SiteSpace } from './agent';
import { siteKey, type SitesSettings } from './settings';

export const spaceOf = (site: Site): SiteSpace => ({
  siteId: site.id,
  key: siteKey(site.id),
  hostname: site.hostname,
  diskMb: site.diskMb,
  phpVersion: site.phpVersion,
  slot: site.slot,
});

/** The site, its host and the host's agent. */
export async function siteOnHost(
  em: EntityManager,
  settings: SitesSettings,
  siteId: string,
): Promise<{ site: Site; host: SiteHost; agent: HostAgent; space: SiteSpace }> {
  const site = await em.findOneOrFail(Site, { id: siteId });
  const host = await em.findOneOrFail(SiteHost, { id: site.hostId });
  return { site, host, agent: settings.agents.forHost(host), space: spaceOf(site) };
}
