import { ApplicationFailure } from '@temporalio/common';
import { Context, sleep } from '@temporalio/activity';
import { refusalReason, type ResizeTarget, type ServerAction } from '../../domain/operate/server-actions';
import type { ImageFacts } from '../db/resources';
import type { Cloud } from './cloud';
import type { RemoteConsole, Server } from './compute';
import { isNotFound, OpenStackFailureType } from './errors';
import {
  ensureNovaFlavor,
  reachedNovaBefore,
  refusingConflict,
  sendServerAction,
  type ServerActionCall,
} from './operate-server-requests';
import type { Image } from './image';
import type { ConsoleInfo, ServerSnapshot } from './operate-types';

type NovaServer = Server & Record<string, any>;

export function serverSnapshotOf(s: NovaServer): ServerSnapshot {
  const f = (s.flavor ?? {}) as Record<string, any>;
  const addresses: ServerSnapshot['addresses'] = {};
  for (const [net, list] of Object.entries((s.addresses ?? {}) as Record<string, any[]>)) {
    addresses[net] = list.map((a) => ({
      addr: a.addr,
      version: a.version,
      type: a['OS-EXT-IPS:type'] ?? null,
      mac: a['OS-EXT-IPS-MAC:mac_addr'] ?? null,
    }));
  }
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    taskState: s['OS-EXT-STS:task_state'] ?? null,
    powerState: s['OS-EXT-STS:power_state'] ?? null,
    projectId: s.tenant_id ?? null,
    flavor: {
      id: f.id ?? null,
      name: f.original_name ?? f.name ?? null,
      vcpus: f.vcpus ?? null,
      ram: f.ram ?? null,
      disk: f.disk ?? null,
    },
    imageId: typeof s.image === 'object' && s.image ? (s.image.id ?? null) : null,
    host: s['OS-EXT-SRV-ATTR:host'] ?? null,
    addresses,
    updated: s.updated ?? null,
  };
}

export function imageFactsOf(i: Image): ImageFacts {
  return {
    id: i.id,
    name: i.name ?? '',
    status: i.status,
    visibility: i.visibility ?? 'private',
    sizeBytes: i.size ?? null,
    diskFormat: i.disk_format ?? null,
    minDiskGb: i.min_disk ?? null,
  };
}

const pollMs = 300;

/** Nova's refusals of a resize target: the same size, or a smaller root disk of an image-backed server. */
function resizeProblem(current: ServerSnapshot['flavor'], to: ResizeTarget): string | null {
  if (current.vcpus === to.vcpus && current.ram === to.ramMb && current.disk === to.diskGb)
    return `When resizing, instances must change flavor! The server already has ${to.vcpus} vCPUs, ${to.ramMb} MB RAM and ${to.diskGb} GB disk`;
  if (current.disk !== null && current.disk > 0 && to.diskGb < current.disk)
    return `Resize error: Unable to resize disk down (from ${current.disk} GB to ${to.diskGb} GB)`;
  return null;
}

/** A server, and the tenant project to act in (the admin's own project when null). */
export interface ServerCall {
  serverId: string;
  projectId?: string | null;
}

/**
 * Nova server operations of the `server-<id>` workflow, in the tenant's project. The compute
 * microversion (2.47+) embeds the flavor's vCPUs, RAM and disk in the server and answers
 * createImage with its image id.
 */
export function createServerOperateActivities(cloud: Cloud) {
  async function fetchServer(serverId: string, projectId: string | null | undefined): Promise<NovaServer | null> {
    try {
      const server = await cloud.tenant(projectId).compute.getServer(serverId);
      return server.status === 'DELETED' ? null : server;
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  /** Nova shows a server's host to admins only: the record keeps it, read in the admin scope. */
  async function withHost(snap: ServerSnapshot): Promise<ServerSnapshot> {
    if (snap.host) return snap;
    try {
      return { ...snap, host: (await cloud.admin().compute.getServer(snap.id))['OS-EXT-SRV-ATTR:host'] ?? null };
    } catch (e) {
      if (isNotFound(e)) return snap;
      throw e;
    }
  }

  return {
    async getServerSnapshot({ serverId, projectId }: ServerCall): Promise<ServerSnapshot | null> {
      const s = await fetchServer(serverId, projectId);
      return s ? withHost(serverSnapshotOf(s)) : null;
    },

    /** Refuses (InvalidServerState, naming Nova's state) an action the server cannot take now. */
    async checkServerAction({
      serverId,
      projectId,
      action: name,
      rebootType,
      flavor,
    }: ServerCall & { action: ServerAction | 'console'; rebootType?: string; flavor?: ResizeTarget }): Promise<void> {
      const s = await fetchServer(serverId, projectId);
      if (!s)
        throw ApplicationFailure.nonRetryable(
          `server ${serverId} no longer exists in OpenStack`,
          OpenStackFailureType.InvalidServerState,
          { status: 'DELETED' },
        );
      const state = { status: s.status as string, taskState: s['OS-EXT-STS:task_state'] ?? null };
      const reason = refusalReason(name, state, rebootType);
      if (reason) throw ApplicationFailure.nonRetryable(reason, OpenStackFailureType.InvalidServerState, state);
      if (name === 'resize' && flavor) {
        const problem = resizeProblem(serverSnapshotOf(s).flavor, flavor);
        if (problem) throw ApplicationFailure.nonRetryable(problem, 'BadRequest', { flavorId: flavor.productId });
      }
    },

    /** The Nova flavor a resize goes to (made on first need, as provisioning makes them). */
    async ensureResizeFlavor({ flavor }: { flavor: ResizeTarget }): Promise<{ flavorRef: string }> {
      return { flavorRef: await ensureNovaFlavor(cloud.admin(), flavor) };
    },

    /**
     * Sends the action to Nova. A retry first looks whether the earlier attempt reached Nova (its reply
     * was lost): then the action is under way and this is success, not Nova's 409.
     */
    async submitServerAction(
      req: ServerCall & Omit<ServerActionCall, 'serverId'>,
    ): Promise<{ imageId?: string; portIds?: string[] }> {
      const c = cloud.tenant(req.projectId);
      const info = Context.current().info;
      const call: ServerActionCall = { ...req, serverId: req.serverId };
      if (info.attempt > 1 && !['snapshot', 'set_security_groups', 'delete'].includes(req.action)) {
        if (await reachedNovaBefore(c, call, { since: info.scheduledTimestampMs })) return {};
      }
      return sendServerAction(c, call);
    },

    /** Frees the host of a SHELVED server (Nova's shelveOffload); already offloaded is fine. */
    async offloadShelvedServer({ serverId, projectId }: ServerCall): Promise<void> {
      const s = await fetchServer(serverId, projectId);
      if (!s || s.status === 'SHELVED_OFFLOADED' || s['OS-EXT-STS:task_state'] === 'shelving_offloading') return;
      await refusingConflict(() => cloud.tenant(projectId).compute.shelveOffload(serverId));
    },

    /** Polls until no task runs and the status is one of `statuses` (any when empty); ERROR fails. */
    async waitServerSettled({
      serverId,
      projectId,
      statuses,
    }: ServerCall & { statuses: readonly string[] }): Promise<ServerSnapshot> {
      for (;;) {
        const s = await fetchServer(serverId, projectId);
        if (!s)
          throw ApplicationFailure.nonRetryable(
            `server ${serverId} disappeared from OpenStack`,
            OpenStackFailureType.NotFound,
          );
        const snap = serverSnapshotOf(s);
        if (snap.status === 'ERROR' && !statuses.includes('ERROR')) {
          throw ApplicationFailure.nonRetryable(
            `server went into ERROR: ${s.fault?.message ?? 'no fault reported'}`,
            OpenStackFailureType.ResourceFailed,
            { fault: s.fault ?? null },
          );
        }
        if (!snap.taskState && (statuses.length === 0 || statuses.includes(snap.status))) return withHost(snap);
        Context.current().heartbeat({ status: snap.status, taskState: snap.taskState });
        await sleep(pollMs);
      }
    },

    /** Deletes a port or floating IP provisioning made for a server (already gone is fine). */
    async deleteServerCompanion({
      kind,
      openstackId,
      projectId,
    }: {
      kind: 'port' | 'floating_ip';
      openstackId: string;
      projectId?: string | null;
    }): Promise<void> {
      const c = cloud.tenant(projectId);
      try {
        if (kind === 'port') await c.network.deletePort(openstackId);
        else await c.network.deleteFloatingIp(openstackId);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    },

    async waitServerGone({ serverId, projectId }: ServerCall): Promise<void> {
      for (;;) {
        const s = await fetchServer(serverId, projectId);
        if (!s) return;
        if (s.status === 'ERROR' && !s['OS-EXT-STS:task_state'])
          throw ApplicationFailure.nonRetryable(
            `deleting the server failed: ${s.fault?.message ?? 'server in ERROR'}`,
            OpenStackFailureType.ResourceFailed,
          );
        Context.current().heartbeat({ status: s.status });
        await sleep(pollMs);
      }
    },

    async waitImageActive({ imageId, projectId }: { imageId: string; projectId?: string | null }): Promise<ImageFacts> {
      const c = cloud.tenant(projectId);
      for (;;) {
        const i = await c.image.getImage(imageId);
        if (i.status === 'active') return imageFactsOf(i);
        if (i.status === 'killed' || i.status === 'deleted')
          throw ApplicationFailure.nonRetryable(
            `the image ${imageId} ended ${i.status}`,
            OpenStackFailureType.ResourceFailed,
          );
        Context.current().heartbeat({ status: i.status });
        await sleep(pollMs);
      }
    },

    async getServerConsole({ serverId, projectId, type }: ServerCall & { type: string }): Promise<ConsoleInfo> {
      const s = await fetchServer(serverId, projectId);
      if (!s)
        throw ApplicationFailure.nonRetryable(
          `server ${serverId} no longer exists in OpenStack`,
          OpenStackFailureType.InvalidServerState,
          { status: 'DELETED' },
        );
      const reason = refusalReason('console', { status: s.status, taskState: s['OS-EXT-STS:task_state'] ?? null });
      if (reason)
        throw ApplicationFailure.nonRetryable(reason, OpenStackFailureType.InvalidServerState, { status: s.status });
      const protocol: RemoteConsole['protocol'] = type.startsWith('spice') ? 'spice' : 'vnc';
      const r = await refusingConflict(() =>
        cloud.tenant(projectId).compute.createRemoteConsole(serverId, protocol, type),
      );
      return { type: r.type, protocol: r.protocol, url: r.url };
    },
  };
}

export type ServerOperateActivities = ReturnType<typeof createServerOperateActivities>;
