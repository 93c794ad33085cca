import type { SiteAgents } from './agent';

/** What the shared hosting tier needs beside the database: the hosts' agents and its limits. */
export interface SitesSettings {
  agents: SiteAgents;
  /** Sites are named `<name>.<domain>` (the vhost's server name). */
  domain: string;
  /** Largest code package accepted (compressed bytes). */
  packageLimitBytes: number;
  /** Releases kept per site besides the live one. */
  keepReleases: number;
}

export const siteKey = (siteId: string) => `s${siteId.replace(/-/g, '').slice(0, 12)}`;
