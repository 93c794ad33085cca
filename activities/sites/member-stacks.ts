import type { Orm } from '../../domain/db/orm';
import { SiteHost } from '../../domain/entities';
import type { SitesSettings } from './settings';

/**
 * A worker's start with the local member driver: the web stacks of every dedicated site's servers run again (they
 * stop with the worker that ran them), so the sites answer after a restart without waiting for a health check.
 */
export async function startDedicatedStacks(orm: Orm, settings: SitesSettings | undefined): Promise<number> {
  if (!settings || settings.memberDriver === 'ssh') return 0;
  const hosts = await orm.em.fork().find(SiteHost, { driver: 'members', status: 'dedicated' });
  let started = 0;
  for (const host of hosts) {
    if (!host.members?.servers.length) continue;
    try {
      await settings.agents.forHost(host).ensureStack();
      started++;
    } catch (e) {
      console.warn(`sites: the web servers of ${host.name} did not start: ${(e as Error).message}`);
    }
  }
  return started;
}
