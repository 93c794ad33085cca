import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { OsSession } from './autoscale-session';
import type { MemberServerInput, MemberServerState, MemberServerStatus, PoolMemberInput } from './autoscale-types';

interface NovaServer {
  id: string;
  name: string;
  status: string;
  metadata?: Record<string, string>;
  addresses?: Record<string, Array<{ addr: string; version: number; 'OS-EXT-IPS:type'?: string }>>;
  fault?: { message?: string };
}

function isNotFound(e: unknown): boolean {
  return e instanceof ApplicationFailure && e.type === 'OpenStackNotFound';
}

function memberName(groupId: string, memberId: string): string {
  return `asg-${groupId.slice(0, 8)}-${memberId.slice(0, 8)}`;
}

function statusOf(s: string): MemberServerStatus {
  if (s === 'BUILD' || s === 'ACTIVE' || s === 'ERROR') return s;
  return 'OTHER';
}

function stateOf(server: NovaServer): MemberServerState {
  const addrs = Object.values(server.addresses ?? {}).flat();
  const fixed = addrs.find((a) => a.version === 4 && (a['OS-EXT-IPS:type'] ?? 'fixed') === 'fixed') ?? addrs[0];
  return { serverId: server.id, status: statusOf(server.status), address: fixed?.addr ?? null, fault: server.fault?.message ?? null };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Nova and Octavia calls of a scaling group's members. Creates are idempotent: a server carries the
 * member id in its metadata (with the group id as `cmp_group`, which the metrics exporter labels its
 * CPU series with) and a pool member is named after the member, so a retry finds what an earlier
 * attempt made.
 */
export function createAutoscaleMemberActivities(session: (projectId: string | null) => OsSession, pollMs = 200) {
  async function findServer(os: OsSession, groupId: string, memberId: string): Promise<NovaServer | undefined> {
    const name = memberName(groupId, memberId);
    const { servers } = await os.call<{ servers: NovaServer[] }>('compute', 'GET', `/servers/detail?name=${encodeURIComponent(`^${name}$`)}`);
    return servers.find((s) => s.metadata?.cmp_member === memberId);
  }

  async function getServer(os: OsSession, serverId: string): Promise<NovaServer | undefined> {
    try {
      return (await os.call<{ server: NovaServer }>('compute', 'GET', `/servers/${serverId}`)).server;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  return {
    async createMemberServer(input: MemberServerInput): Promise<{ serverId: string }> {
      const os = session(input.projectId);
      const existing = await findServer(os, input.groupId, input.memberId);
      if (existing) return { serverId: existing.id };
      const t = input.template;
      const { server } = await os.call<{ server: { id: string } }>('compute', 'POST', '/servers', {
        server: {
          name: memberName(input.groupId, input.memberId),
          flavorRef: t.flavorId,
          imageRef: t.imageId,
          networks: [{ uuid: t.networkId }],
          ...(t.userData ? { user_data: Buffer.from(t.userData, 'utf8').toString('base64') } : {}),
          ...(t.securityGroups?.length ? { security_groups: t.securityGroups.map((name) => ({ name })) } : {}),
          metadata: { cmp_group: input.groupId, cmp_member: input.memberId, cmp_workflow: `autoscale-${input.groupId}` },
        },
      });
      return { serverId: server.id };
    },

    /** Polls the server until it is ACTIVE or ERROR (or gone), heartbeating meanwhile. */
    async waitMemberServer(input: { projectId: string | null; serverId: string }): Promise<MemberServerState> {
      const os = session(input.projectId);
      for (;;) {
        const s = await getServer(os, input.serverId);
        if (!s) return { serverId: input.serverId, status: 'GONE', address: null, fault: 'server disappeared while building' };
        const state = stateOf(s);
        if (state.status === 'ACTIVE' || state.status === 'ERROR') return state;
        Context.current().heartbeat(state.status);
        await sleep(pollMs);
      }
    },

    /** The current state of each server (GONE for those Nova no longer knows). */
    async memberServerStates(input: { projectId: string | null; serverIds: string[] }): Promise<Record<string, MemberServerState>> {
      const os = session(input.projectId);
      const out: Record<string, MemberServerState> = {};
      if (!input.serverIds.length) return out;
      const { servers } = await os.call<{ servers: NovaServer[] }>('compute', 'GET', '/servers/detail');
      const byId = new Map(servers.map((s) => [s.id, s]));
      for (const id of input.serverIds) {
        const s = byId.get(id);
        out[id] = s ? stateOf(s) : { serverId: id, status: 'GONE', address: null, fault: null };
      }
      return out;
    },

    /** Deletes the server and waits until Nova no longer lists it; an absent server is already done. */
    async deleteMemberServer(input: { projectId: string | null; serverId: string }): Promise<void> {
      const os = session(input.projectId);
      try {
        await os.call('compute', 'DELETE', `/servers/${input.serverId}`);
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
      while (await getServer(os, input.serverId)) {
        Context.current().heartbeat('deleting');
        await sleep(pollMs);
      }
    },

    async addPoolMember(input: PoolMemberInput): Promise<{ poolMemberId: string }> {
      const os = session(input.projectId);
      const path = `/v2/lbaas/pools/${input.poolId}/members`;
      const { members } = await os.call<{ members: Array<{ id: string; name: string }> }>('load-balancer', 'GET', `${path}?name=${encodeURIComponent(input.memberId)}`);
      const found = members.find((m) => m.name === input.memberId);
      if (found) return { poolMemberId: found.id };
      const { member } = await os.call<{ member: { id: string } }>('load-balancer', 'POST', path, {
        member: { name: input.memberId, address: input.address, protocol_port: input.protocolPort, ...(input.subnetId ? { subnet_id: input.subnetId } : {}) },
      });
      return { poolMemberId: member.id };
    },

    async removePoolMember(input: { projectId: string | null; poolId: string; poolMemberId: string }): Promise<void> {
      try {
        await session(input.projectId).call('load-balancer', 'DELETE', `/v2/lbaas/pools/${input.poolId}/members/${input.poolMemberId}`);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    },

    /** The pool's member ids and addresses (for the query and tests). */
    async listPoolMembers(input: { projectId: string | null; poolId: string }): Promise<Array<{ id: string; name: string; address: string; status: string }>> {
      const { members } = await session(input.projectId).call<{ members: Array<{ id: string; name: string; address: string; provisioning_status: string }> }>(
        'load-balancer',
        'GET',
        `/v2/lbaas/pools/${input.poolId}/members`,
      );
      return members.map((m) => ({ id: m.id, name: m.name, address: m.address, status: m.provisioning_status }));
    },
  };
}

export type AutoscaleMemberActivities = ReturnType<typeof createAutoscaleMemberActivities>;

/** vCPUs and RAM of a flavor, for the quota a member holds. */
export function createFlavorSizeActivity(session: (projectId: string | null) => OsSession) {
  return {
    async memberFlavorSize({ projectId, flavorId }: { projectId: string | null; flavorId: string }): Promise<{ vcpus: number; ramMb: number }> {
      const { flavor } = await session(projectId).call<{ flavor: { vcpus: number; ram: number } }>('compute', 'GET', `/flavors/${encodeURIComponent(flavorId)}`);
      return { vcpus: flavor.vcpus, ramMb: flavor.ram };
    },
  };
}
