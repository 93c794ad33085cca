import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { NovaTransport } from './ha-nova-transport';
import type { ComputeHost, EvacuateRequest, HaServer, LiveMigrationProgress, WaitSettledRequest } from './ha-types';

interface NovaService {
  id: string;
  binary: string;
  host: string;
  status: 'enabled' | 'disabled';
  state: 'up' | 'down';
  forced_down?: boolean;
  disabled_reason: string | null;
}
interface NovaHypervisor {
  hypervisor_hostname: string;
  service: { host: string };
  vcpus: number;
  memory_mb: number;
  vcpus_used: number;
  memory_mb_used: number;
  running_vms: number;
}
interface NovaServer {
  id: string;
  name: string;
  status: string;
  metadata?: Record<string, string>;
  flavor?: { vcpus?: number; ram?: number };
  'OS-EXT-STS:task_state'?: string | null;
  'OS-EXT-SRV-ATTR:host'?: string | null;
}

const serverOf = (s: NovaServer): HaServer => ({
  id: s.id,
  name: s.name,
  status: s.status,
  taskState: s['OS-EXT-STS:task_state'] ?? null,
  host: s['OS-EXT-SRV-ATTR:host'] ?? null,
  vcpus: s.flavor?.vcpus ?? 0,
  memoryMb: s.flavor?.ram ?? 0,
  metadata: s.metadata ?? {},
});

/** What the HA OpenStack activities need from the worker. */
export interface HaActivitySettings {
  /** Admin Nova access; without it every HA cloud call fails as not configured. */
  nova?: NovaTransport;
  /** How often waiters poll Nova (default 2 s). */
  pollMs?: number;
}

/**
 * Admin Nova calls for migration, drain, fencing and evacuation. Every mutating call checks the
 * current state first, so a retry after a lost reply (or a killed worker) never acts twice.
 */
export function createHaOpenStackActivities(settings: HaActivitySettings = {}) {
  const nova = settings.nova;
  const pollMs = settings.pollMs ?? 2000;
  const api = () => {
    if (!nova) throw ApplicationFailure.nonRetryable('no OpenStack connection configured for HA activities', 'OpenStackNotConfigured');
    return nova;
  };

  async function services(host?: string): Promise<NovaService[]> {
    const q = `?binary=nova-compute${host ? `&host=${encodeURIComponent(host)}` : ''}`;
    return (await api().call<{ services: NovaService[] }>('GET', `/os-services${q}`)).services;
  }
  async function serviceOf(host: string): Promise<NovaService> {
    const s = (await services(host))[0];
    if (!s) throw ApplicationFailure.nonRetryable(`compute service of ${host} not found`, 'OpenStackNotFound');
    return s;
  }
  async function getServer(serverId: string): Promise<HaServer> {
    return serverOf((await api().call<{ server: NovaServer }>('GET', `/servers/${serverId}`)).server);
  }

  return {
    /** Every compute host: service state merged with hypervisor usage. */
    async haListComputeHosts(): Promise<ComputeHost[]> {
      const [svcs, hyps] = await Promise.all([
        services(),
        api().call<{ hypervisors: NovaHypervisor[] }>('GET', '/os-hypervisors/detail').then((r) => r.hypervisors),
      ]);
      return svcs.map((s) => {
        const h = hyps.find((x) => x.service.host === s.host || x.hypervisor_hostname === s.host);
        return {
          name: s.host,
          serviceId: s.id,
          up: s.state === 'up',
          enabled: s.status === 'enabled',
          forcedDown: s.forced_down === true,
          disabledReason: s.disabled_reason,
          vcpus: h?.vcpus ?? 0,
          memoryMb: h?.memory_mb ?? 0,
          usedVcpus: h?.vcpus_used ?? 0,
          usedMemoryMb: h?.memory_mb_used ?? 0,
          runningVms: h?.running_vms ?? 0,
        };
      });
    },

    /** Forces the compute service down (Nova then accepts evacuations at once) and disables it. */
    async haFenceHost(input: { host: string; reason: string }): Promise<void> {
      const s = await serviceOf(input.host);
      if (s.forced_down !== true) await api().call('PUT', `/os-services/${s.id}`, { forced_down: true });
      if (s.status !== 'disabled') await api().call('PUT', `/os-services/${s.id}`, { status: 'disabled', disabled_reason: input.reason });
    },

    /** Lifts the fence: the service reports again and takes new servers. */
    async haUnfenceHost(input: { host: string }): Promise<void> {
      const s = await serviceOf(input.host);
      if (s.forced_down === true) await api().call('PUT', `/os-services/${s.id}`, { forced_down: false });
      if (s.status !== 'enabled') await api().call('PUT', `/os-services/${s.id}`, { status: 'enabled' });
    },

    /** Enables or disables new placements on the host (drain / end of maintenance). */
    async haSetHostEnabled(input: { host: string; enabled: boolean; reason?: string }): Promise<void> {
      const s = await serviceOf(input.host);
      const want = input.enabled ? 'enabled' : 'disabled';
      if (s.status === want) return;
      await api().call('PUT', `/os-services/${s.id}`, input.enabled ? { status: 'enabled' } : { status: 'disabled', disabled_reason: input.reason ?? 'maintenance' });
    },

    /** Servers Nova places on the host, every tenant's. */
    async haListHostServers(input: { host: string }): Promise<HaServer[]> {
      const out: HaServer[] = [];
      let marker: string | undefined;
      for (;;) {
        const q = `?all_tenants=1&host=${encodeURIComponent(input.host)}&limit=500${marker ? `&marker=${marker}` : ''}`;
        const page = (await api().call<{ servers: NovaServer[] }>('GET', `/servers/detail${q}`)).servers;
        out.push(...page.map(serverOf));
        if (page.length < 500) return out;
        marker = page[page.length - 1].id;
      }
    },

    async haGetServer(input: { serverId: string }): Promise<HaServer> {
      return getServer(input.serverId);
    },

    /**
     * Asks Nova to rebuild the server on `targetHost`, unless it is already on its way (rebuilding)
     * or already away from the source: then it returns `started: false` and acts not at all.
     */
    async haEvacuateServer(input: EvacuateRequest): Promise<{ started: boolean }> {
      const s = await getServer(input.serverId);
      if (s.host !== input.sourceHost || s.taskState === 'rebuilding') return { started: false };
      await api().call('POST', `/servers/${input.serverId}/action`, { evacuate: { host: input.targetHost } });
      return { started: true };
    },

    /** Polls (heartbeating) until the server has no task in flight, then returns it as it is. */
    async haWaitServerSettled(input: WaitSettledRequest): Promise<HaServer> {
      const deadline = Date.now() + input.timeoutMs;
      for (;;) {
        const s = await getServer(input.serverId);
        if (!s.taskState && s.status !== 'BUILD' && s.status !== 'MIGRATING' && s.status !== 'REBUILD') return s;
        if (Date.now() > deadline) return s;
        Context.current().heartbeat(s.taskState);
        await Context.current().sleep(pollMs);
      }
    },

    /** Starts a live migration to `targetHost` unless one is already running for the server. */
    async haStartLiveMigration(input: { serverId: string; targetHost: string }): Promise<{ started: boolean }> {
      const s = await getServer(input.serverId);
      if (s.taskState === 'migrating' || s.host === input.targetHost) return { started: false };
      await api().call('POST', `/servers/${input.serverId}/action`, { 'os-migrateLive': { host: input.targetHost, block_migration: 'auto' } });
      return { started: true };
    },

    async haLiveMigrationProgress(input: { serverId: string }): Promise<LiveMigrationProgress> {
      const [list, server] = await Promise.all([
        api().call<{ migrations: Array<{ id: number; status: string; memory_total_bytes: number | null; memory_processed_bytes: number | null }> }>('GET', `/servers/${input.serverId}/migrations`),
        getServer(input.serverId),
      ]);
      const m = list.migrations[0];
      return {
        migrationId: m?.id ?? null,
        migrationStatus: m?.status ?? null,
        memoryTotalBytes: m?.memory_total_bytes ?? null,
        memoryProcessedBytes: m?.memory_processed_bytes ?? null,
        server,
      };
    },

    /** Aborts the server's running live migration; a migration already gone is not an error. */
    async haAbortLiveMigration(input: { serverId: string; migrationId: number }): Promise<{ aborted: boolean }> {
      try {
        await api().call('DELETE', `/servers/${input.serverId}/migrations/${input.migrationId}`);
        return { aborted: true };
      } catch (e) {
        if (e instanceof ApplicationFailure && (e.type === 'OpenStackNotFound' || e.type === 'OpenStackBadRequest')) return { aborted: false };
        throw e;
      }
    },
  };
}

export type HaOpenStackActivities = ReturnType<typeof createHaOpenStackActivities>;
