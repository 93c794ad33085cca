import { ApplicationFailure } from '@temporalio/common';
import { Context, sleep } from '@temporalio/activity';
import { refusalReason, type ServerAction } from '../../domain/operate/server-actions';
import type { ImageFacts } from '../db/resources';
import type { Cloud } from './cloud';
import type { RemoteConsole, Server } from './compute';
import { failureTypeOf, isNotFound, OpenStackFailureType } from './errors';
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

  /** Nova's 409 names the state that refused the action; that is the user's answer, not a retry. */
  async function refusingConflict<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      if (failureTypeOf(e) === OpenStackFailureType.Conflict)
        throw ApplicationFailure.nonRetryable((e as Error).message, OpenStackFailureType.InvalidServerState);
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
    }: ServerCall & { action: ServerAction | 'console'; rebootType?: string }): Promise<void> {
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
    },

    /** Sends the action to Nova. Snapshots are tagged with the workflow step so a retry finds the image already asked for. */
    async submitServerAction(
      req: ServerCall & {
        action: ServerAction;
        rebootType?: string;
        password?: string;
        imageName?: string;
        securityGroupIds?: string[];
        tag: string;
      },
    ): Promise<{ imageId?: string; portIds?: string[] }> {
      const { serverId } = req;
      const c = cloud.tenant(req.projectId);
      switch (req.action) {
        case 'start':
          await refusingConflict(() => c.compute.start(serverId));
          return {};
        case 'stop':
          await refusingConflict(() => c.compute.stop(serverId));
          return {};
        case 'reboot':
          await refusingConflict(() => c.compute.reboot(serverId, req.rebootType === 'HARD' ? 'HARD' : 'SOFT'));
          return {};
        case 'set_password':
          await refusingConflict(() => c.compute.changePassword(serverId, req.password ?? ''));
          return {};
        case 'snapshot': {
          // Glance filters by name only; the step tag (an image property) tells our image from a namesake.
          const ours = async () =>
            (await c.image.listImages({ name: req.imageName ?? '' })).find((i) => i.cmp_step === req.tag)?.id;
          const existing = await ours();
          if (existing) return { imageId: existing };
          const imageId =
            (await refusingConflict(() =>
              c.compute.createImage(serverId, req.imageName ?? '', { cmp_step: req.tag }),
            )) ?? (await ours());
          if (!imageId)
            throw ApplicationFailure.retryable(
              'Nova accepted the snapshot but Glance does not list it yet',
              OpenStackFailureType.SnapshotPending,
            );
          return { imageId };
        }
        case 'set_security_groups': {
          // Setting the same list again changes nothing, so a retry is harmless.
          const ports = await c.network.listPorts({ device_id: serverId });
          for (const p of ports)
            await refusingConflict(() => c.network.updatePort(p.id, { security_groups: req.securityGroupIds ?? [] }));
          return { portIds: ports.map((p) => p.id) };
        }
        case 'delete':
          try {
            await c.compute.deleteServer(serverId);
          } catch (e) {
            if (!isNotFound(e)) throw e;
          }
          return {};
      }
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
