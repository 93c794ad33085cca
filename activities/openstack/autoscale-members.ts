import type { MemberServerState, MemberServerStatus, PoolMemberInput } from './autoscale-types';
import type { Cloud } from './cloud';
import type { Server } from './compute';
import { isNotFound } from './errors';

function statusOf(s: string): MemberServerStatus {
  if (s === 'BUILD' || s === 'ACTIVE' || s === 'ERROR') return s;
  return 'OTHER';
}

function stateOf(server: Server): MemberServerState {
  const addrs = Object.values(server.addresses ?? {}).flat();
  const fixed = addrs.find((a) => a.version === 4 && (a['OS-EXT-IPS:type'] ?? 'fixed') === 'fixed') ?? addrs[0];
  return {
    serverId: server.id,
    status: statusOf(server.status),
    address: fixed?.addr ?? null,
    fault: server.fault?.message ?? null,
  };
}

/**
 * Nova and Octavia calls of a scaling group's members (their servers are built and torn down by the
 * provisioning workflow and activities). A pool member is named after the scaling member, so a
 * retried add finds what an earlier attempt made.
 */
export function createAutoscaleMemberActivities(cloud: Cloud) {
  return {
    /** The current state of each server (GONE for those Nova no longer knows). */
    async memberServerStates(input: {
      projectId: string | null;
      serverIds: string[];
    }): Promise<Record<string, MemberServerState>> {
      const out: Record<string, MemberServerState> = {};
      if (!input.serverIds.length) return out;
      const servers = await cloud.tenant(input.projectId).compute.listServers();
      const byId = new Map(servers.map((s) => [s.id, s]));
      for (const id of input.serverIds) {
        const s = byId.get(id);
        out[id] = s ? stateOf(s) : { serverId: id, status: 'GONE', address: null, fault: null };
      }
      return out;
    },

    async addPoolMember(input: PoolMemberInput): Promise<{ poolMemberId: string }> {
      const lb = cloud.tenant(input.projectId).loadBalancer;
      const found = (await lb.listMembers(input.poolId, { name: input.memberId })).find(
        (m) => m.name === input.memberId,
      );
      if (found) return { poolMemberId: found.id };
      const member = await lb.createMember(input.poolId, {
        name: input.memberId,
        address: input.address,
        protocol_port: input.protocolPort,
        ...(input.subnetId ? { subnet_id: input.subnetId } : {}),
      });
      return { poolMemberId: member.id };
    },

    async removePoolMember(input: { projectId: string | null; poolId: string; poolMemberId: string }): Promise<void> {
      try {
        await cloud.tenant(input.projectId).loadBalancer.deleteMember(input.poolId, input.poolMemberId);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    },

    /** The pool's member ids and addresses (for the query and tests). */
    async listPoolMembers(input: {
      projectId: string | null;
      poolId: string;
    }): Promise<Array<{ id: string; name: string; address: string; status: string }>> {
      const members = await cloud.tenant(input.projectId).loadBalancer.listMembers(input.poolId);
      return members.map((m) => ({ id: m.id, name: m.name, address: m.address, status: m.provisioning_status }));
    },
  };
}

export type AutoscaleMemberActivities = ReturnType<typeof createAutoscaleMemberActivities>;

/** Name and sizing of the template's flavor (flavors are read in the admin scope, which sees private ones too). */
export function createFlavorSizeActivity(cloud: Cloud) {
  return {
    async memberFlavorSize({
      flavorId,
    }: {
      projectId: string | null;
      flavorId: string;
    }): Promise<{ name: string; vcpus: number; ramMb: number; diskGb: number }> {
      const flavor = await cloud.admin().compute.getFlavor(flavorId);
      return { name: flavor.name, vcpus: flavor.vcpus, ramMb: flavor.ram, diskGb: flavor.disk };
    },
  };
}
