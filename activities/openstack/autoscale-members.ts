import { ApplicationFailure } from '@temporalio/common';
import type { OsSession } from './autoscale-session';
import type { MemberServerState, MemberServerStatus, PoolMemberInput } from './autoscale-types';

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

function statusOf(s: string): MemberServerStatus {
  if (s === 'BUILD' || s === 'ACTIVE' || s === 'ERROR') return s;
  return 'OTHER';
}

function stateOf(server: NovaServer): MemberServerState {
  const addrs = Object.values(server.addresses ?? {}).flat();
  const fixed = addrs.find((a) => a.version === 4 && (a['OS-EXT-IPS:type'] ?? 'fixed') === 'fixed') ?? addrs[0];
  return { serverId: server.id, status: statusOf(server.status), address: fixed?.addr ?? null, fault: server.fault?.message ?? null };
}

/**
 * Nova and Octavia calls of a scaling group's members (their servers are built and torn down by the
 * provisioning workflow and activities). A pool member is named after the scaling member, so a
 * retried add finds what an earlier attempt made.
 */
export function createAutoscaleMemberActivities(session: (projectId: string | null) => OsSession) {
  return {
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

/** Name and sizing of the template's flavor: the quota a member holds and what provisioning builds. */
export function createFlavorSizeActivity(session: (projectId: string | null) => OsSession) {
  return {
    async memberFlavorSize({ projectId, flavorId }: { projectId: string | null; flavorId: string }): Promise<{ name: string; vcpus: number; ramMb: number; diskGb: number }> {
      const { flavor } = await session(projectId).call<{ flavor: { name: string; vcpus: number; ram: number; disk: number } }>('compute', 'GET', `/flavors/${encodeURIComponent(flavorId)}`);
      return { name: flavor.name, vcpus: flavor.vcpus, ramMb: flavor.ram, diskGb: flavor.disk };
    },
  };
}
