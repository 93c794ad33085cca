import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config';
import type { HostAgent, SiteAgents } from './agent';
import type { SiteNameRouter } from './front-door';
import { frontDoorFromConfig } from './front-door-settings';
import { LocalHostAgent } from './local-agent';
import { DedicatedHostAgent } from './member-agent';
import { SshHostAgent } from './ssh-agent';

/** What the shared hosting tier needs beside the database: the hosts' agents and its limits. */
export interface SitesSettings {
  agents: SiteAgents;
  /** Sites are named `<name>.<domain>` (the vhost's server name). */
  domain: string;
  /** Largest code package accepted (compressed bytes). */
  packageLimitBytes: number;
  /** Releases kept per site besides the live one. */
  keepReleases: number;
  /** Interval of a live site's periodic health check (default 5 minutes). */
  healthCheckIntervalMs?: number;
  /** How the web servers of dedicated sites are driven (SITES_MEMBER_DRIVER; set from the configuration, else local). */
  memberDriver?: 'local' | 'ssh';
  /** The port they serve on: the load balancer pool's member port (SITES_MEMBER_HTTP_PORT; set from the configuration). */
  memberHttpPort?: number;
  /** Where sites' public names point (a migration's cut-over): the front-door nginx, or the DNS provider's API. */
  frontDoor?: SiteNameRouter;
  /** Stops the web stacks this process runs for dedicated sites' servers (the local member driver; the worker's exit). */
  stopMemberStacks?: () => Promise<void>;
}

/** `first-last` as a port range. */
export function passivePorts(range: string): { first: number; last: number } {
  const [first, last] = range.split('-').map(Number);
  if (!(first > 0 && last >= first && last <= 65535)) throw new Error(`bad passive port range ${range}`);
  return { first, last };
}

export const siteKey = (siteId: string) => `s${siteId.replace(/-/g, '').slice(0, 12)}`;

/** The local agent's directory: its configs, pid files (`run/`), logs and every site's code space. */
export const localSitesRoot = (cfg: Config) => path.resolve(cfg.SITES_DIR ?? path.join(cfg.dataDir, 'sites'));

/** Where the local agent of a dedicated site's web server keeps its stack. */
export const memberSitesRoot = (cfg: Config, serverId: string) => path.join(localSitesRoot(cfg), 'members', serverId);

/** The agent of a host of the SSH driver (one connection per host, kept), from the SITES_SSH_* settings. */
function sshAgentFor(cfg: Config, host: { id: string; address: string }, agents: Map<string, SshHostAgent>) {
  const known = agents.get(host.id);
  if (known) return known;
  const keys = new Map(
    cfg.SITES_SSH_HOST_KEYS.split(',')
      .map((e) => e.trim().split('='))
      .filter((kv) => kv.length === 2) as Array<[string, string]>,
  );
  const hostKey = keys.get(host.address);
  if (!hostKey) throw new Error(`host ${host.id}: SITES_SSH_HOST_KEYS names no key for ${host.address}`);
  if (!cfg.SITES_SSH_KEY_FILE || !cfg.SITES_SSH_AGENT_COMMAND)
    throw new Error(`host ${host.id}: the SSH driver needs SITES_SSH_KEY_FILE and SITES_SSH_AGENT_COMMAND`);
  const agent = new SshHostAgent({
    host: host.address,
    port: cfg.SITES_SSH_PORT,
    username: cfg.SITES_SSH_USER,
    privateKey: readFileSync(cfg.SITES_SSH_KEY_FILE),
    hostKeySha256: hostKey,
    command: cfg.SITES_SSH_AGENT_COMMAND,
  });
  agents.set(host.id, agent);
  return agent;
}

/**
 * The embedded default: one local agent (this machine's nginx and php-fpm, started on first need) for every
 * host registered with the local driver; hosts of the SSH driver get an SSH agent running the same operations there.
 */
export function sitesSettingsFromConfig(cfg: Config): SitesSettings | undefined {
  if (!cfg.SITES_LOCAL_AGENT) return undefined;
  let local: LocalHostAgent | undefined;
  const ssh = new Map<string, SshHostAgent>();
  // A web server's agent, by server and address (kept while the server is a member of its site).
  const members = new Map<string, HostAgent>();
  const dedicated = new Map<string, { signature: string; agent: DedicatedHostAgent }>();
  const memberKey = (m: { serverId: string; agentAddress: string }) => `${m.serverId}@${m.agentAddress}`;
  const memberAgent = (m: { serverId: string; agentAddress: string }): HostAgent => {
    let agent = members.get(memberKey(m));
    if (agent) return agent;
    agent =
      cfg.SITES_MEMBER_DRIVER === 'ssh'
        ? sshAgentFor(cfg, { id: `member-${memberKey(m)}`, address: m.agentAddress }, ssh)
        : new LocalHostAgent({
            root: memberSitesRoot(cfg, m.serverId),
            listenAddress: m.agentAddress,
            httpPort: cfg.SITES_MEMBER_HTTP_PORT,
            fpmBasePort: cfg.SITES_FPM_BASE_PORT,
          });
    members.set(memberKey(m), agent);
    return agent;
  };
  return {
    agents: {
      forHost(host) {
        if (host.driver === 'ssh') return sshAgentFor(cfg, host, ssh);
        if (host.driver === 'members') {
          if (!host.members?.servers.length) throw new Error(`host ${host.id}: a dedicated host without members`);
          const signature = JSON.stringify([host.members.port, host.members.servers.map(memberKey)]);
          const known = dedicated.get(host.id);
          if (known?.signature === signature) return known.agent;
          const agent = new DedicatedHostAgent(host.members.servers.map(memberAgent), host.members.port);
          dedicated.set(host.id, { signature, agent });
          return agent;
        }
        if (host.driver !== 'local') throw new Error(`host ${host.id}: the ${host.driver} driver is not available`);
        local ??= new LocalHostAgent({
          root: localSitesRoot(cfg),
          httpPort: cfg.SITES_HTTP_PORT,
          fpmBasePort: cfg.SITES_FPM_BASE_PORT,
          ftpPort: cfg.SITES_FTP_PORT || undefined,
          ftpPassivePorts: passivePorts(cfg.SITES_FTP_PASSIVE_PORTS),
        });
        return local;
      },
    },
    domain: cfg.SITES_DOMAIN,
    packageLimitBytes: cfg.SITES_PACKAGE_LIMIT_BYTES,
    keepReleases: cfg.SITES_KEEP_RELEASES,
    healthCheckIntervalMs: cfg.SITES_HEALTH_CHECK_SECONDS * 1000,
    memberDriver: cfg.SITES_MEMBER_DRIVER,
    memberHttpPort: cfg.SITES_MEMBER_HTTP_PORT,
    frontDoor: frontDoorFromConfig(cfg, localSitesRoot(cfg)),
    async stopMemberStacks() {
      if (cfg.SITES_MEMBER_DRIVER !== 'local') return;
      await Promise.all([...members.values()].map((a) => a.stop().catch(() => undefined)));
    },
  };
}
