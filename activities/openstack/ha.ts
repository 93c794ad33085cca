import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { openCloud, type CloudAccount } from './cloud';
import type { ComputeService, Server } from './compute';
import { failureTypeOf, OpenStackFailureType, withFailureTypes } from './errors';
import type { HaFencingSettings } from './ha-fencing';
import type { ComputeHost, EvacuateRequest, HaServer, LiveMigrationProgress, WaitSettledRequest } from './ha-types';

const serverOf = (s: Server): HaServer => ({
  id: s.id,
  name: s.name,
  status: s.status,
  taskState: s['OS-EXT-STS:task_state'] ?? null,
  host: s['OS-EXT-SRV-ATTR:host'] ?? null,
  vcpus: s.flavor?.vcpus ?? 0,
  memoryMb: s.flavor?.ram ?? 0,
  metadata: s.metadata ?? {},
});

/** What the HA OpenStack activities need from the worker (the fencing and liveness settings with them). */
export interface HaActivitySettings extends HaFencingSettings {
  /** The platform's service account (HA works in its admin scope); without it every HA cloud call fails as not configured. */
  account?: CloudAccount;
  /** How often waiters poll Nova (default 2 s). */
  pollMs?: number;
}

/**
 * Admin Nova calls for migration, drain, fencing and evacuation. Every mutating call checks the
 * current state first, so a retry after a lost reply (or a killed worker) never acts twice.
 */
export function createHaOpenStackActivities(settings: HaActivitySettings = {}) {
  const cloud = openCloud(settings.account, 'the HA activities');
  const pollMs = settings.pollMs ?? 2000;
  const compute = () => cloud.admin().compute;

  async function services(host?: string): Promise<ComputeService[]> {
    return compute().listServices({ binary: 'nova-compute', ...(host ? { host } : {}) });
  }
  async function serviceOf(host: string): Promise<ComputeService> {
    const s = (await services(host))[0];
    if (!s)
      throw ApplicationFailure.nonRetryable(`compute service of ${host} not found`, OpenStackFailureType.NotFound);
    return s;
  }
  async function getServer(serverId: string): Promise<HaServer> {
    return serverOf(await compute().getServer(serverId));
  }

  return withFailureTypes({
    /** Every compute host: service state merged with hypervisor usage. */
    async haListComputeHosts(): Promise<ComputeHost[]> {
      const [svcs, hyps] = await Promise.all([services(), compute().listHypervisorUsage()]);
      return svcs.map((s) => {
        const h = hyps.find((x) => x.service?.host === s.host || x.hypervisor_hostname === s.host);
        return {
          name: s.host,
          serviceId: String(s.id),
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
      if (s.forced_down !== true) await compute().forceDownService(String(s.id));
      if (s.status !== 'disabled') await compute().disableService(String(s.id), input.reason);
    },

    /** Lifts the fence: the service reports again and takes new servers. */
    async haUnfenceHost(input: { host: string }): Promise<void> {
      const s = await serviceOf(input.host);
      if (s.forced_down === true) await compute().forceDownService(String(s.id), false);
      if (s.status !== 'enabled') await compute().enableService(String(s.id));
    },

    /** Enables or disables new placements on the host (drain / end of maintenance). */
    async haSetHostEnabled(input: { host: string; enabled: boolean; reason?: string }): Promise<void> {
      const s = await serviceOf(input.host);
      const want = input.enabled ? 'enabled' : 'disabled';
      if (s.status === want) return;
      await (input.enabled
        ? compute().enableService(String(s.id))
        : compute().disableService(String(s.id), input.reason ?? 'maintenance'));
    },

    /** Servers Nova places on the host, every tenant's. */
    async haListHostServers(input: { host: string }): Promise<HaServer[]> {
      return (await compute().listServers({ all_tenants: 1, host: input.host })).map(serverOf);
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
      await compute().evacuate(input.serverId, { host: input.targetHost });
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
      await compute().liveMigrate(input.serverId, { host: input.targetHost, blockMigration: 'auto' });
      return { started: true };
    },

    async haLiveMigrationProgress(input: { serverId: string }): Promise<LiveMigrationProgress> {
      const [migrations, server] = await Promise.all([
        compute().listServerMigrations(input.serverId),
        getServer(input.serverId),
      ]);
      const m = migrations[0];
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
        await compute().abortMigration(input.serverId, input.migrationId);
        return { aborted: true };
      } catch (e) {
        const type = failureTypeOf(e);
        if (type === OpenStackFailureType.NotFound || type === OpenStackFailureType.BadRequest)
          return { aborted: false };
        throw e;
      }
    },
  });
}

export type HaOpenStackActivities = ReturnType<typeof createHaOpenStackActivities>;
