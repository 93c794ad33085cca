import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import type { Config } from '../../config';
import { SiteHost } from '../../domain/entities';
import type { HostAgent } from '../../activities/sites/agent';
import { localSitesRoot, sitesSettingsFromConfig } from '../../activities/sites/settings';

/** The name of the shared host the launcher registers for this machine's web stack. */
export const localSiteHostName = 'local';

/**
 * Registers this machine as a shared host of the `local` driver (on 127.0.0.1, with the configured capacity), or
 * brings the one a previous start registered to that capacity; its status (an operator may have disabled it) is kept.
 */
export async function ensureLocalSiteHost(
  em: EntityManager,
  capacity: { sites: number; diskMb: number },
): Promise<{ host: SiteHost; created: boolean }> {
  const found = await em.findOne(SiteHost, { name: localSiteHostName });
  if (found) {
    found.capacitySites = capacity.sites;
    found.capacityDiskMb = capacity.diskMb;
    await em.flush();
    return { host: found, created: false };
  }
  const host = em.create(SiteHost, {
    name: localSiteHostName,
    address: '127.0.0.1',
    driver: 'local',
    capacitySites: capacity.sites,
    capacityDiskMb: capacity.diskMb,
    status: 'active',
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  await em.flush();
  return { host, created: true };
}

/** Are nginx and php-fpm 8.2 installed (scripts/install.sh installs them)? */
export function sitesStackInstalled(): boolean {
  return spawnSync('bash', ['-c', 'command -v nginx && command -v php-fpm8.2'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts the local host's nginx and php-fpm as children of the launcher (the workers' agents find them by their
 * pid files and reload them), so they stop with the platform; answers the agent to stop them with and their pids.
 */
export async function startEmbeddedSitesStack(
  cfg: Config,
): Promise<{ agent: HostAgent; httpPort: number; pids: { nginx: number; fpm: number } }> {
  const settings = sitesSettingsFromConfig(cfg);
  if (!settings) throw new Error('SITES_LOCAL_AGENT is off');
  const agent = settings.agents.forHost({ id: localSiteHostName, driver: 'local', address: '127.0.0.1' });
  let httpPort: number;
  try {
    ({ httpPort } = await agent.ensureStack());
  } catch (e) {
    // Whatever of the stack did start stops again (the launcher goes on without shared hosting).
    await agent.stop().catch(() => undefined);
    throw e;
  }
  const pid = (file: string) => {
    try {
      return Number(readFileSync(path.join(localSitesRoot(cfg), 'run', file), 'utf8').trim()) || 0;
    } catch {
      return 0;
    }
  };
  return { agent, httpPort, pids: { nginx: pid('nginx.pid'), fpm: pid('php-fpm.pid') } };
}
