import type { OpenStackClient } from './client';
import type { Cloud } from './cloud';
import { isNotFound } from './errors';

export interface BandwidthLimitInput {
  projectId: string | null;
  serverId: string;
  /** Kilobits per second; the rule's max_burst_kbps defaults to 80% of it, as Neutron suggests for TCP. */
  maxKbps: number;
  maxBurstKbps?: number;
  direction?: 'egress' | 'ingress';
}

export interface BandwidthLimitResult {
  policyId: string;
  ruleId: string;
  portIds: string[];
}

/** The one QoS policy of a server's ports, shared by operators' isolation limits and the tenant's bandwidth product. */
export const policyName = (serverId: string) => `cmp-bw-${serverId}`;

/**
 * Isolation: Neutron QoS bandwidth-limit rules bound to a server's ports, and Octavia listener
 * connection limits. Each server gets its own policy (named after it), so applying again updates
 * the rule in place and a retry finds what the first attempt created. Neutron lets only admins
 * make QoS policies and rules, so the admin scope makes them, owned by the tenant's project (where
 * the tenant can see but not change them); the ports and the listener are changed in the tenant's
 * project.
 */
export function createIsolationActivities(cloud: Cloud) {
  async function findPolicy(admin: OpenStackClient, serverId: string): Promise<{ id: string } | undefined> {
    return (await admin.network.listQosPolicies({ name: policyName(serverId) })).find(
      (p) => p.name === policyName(serverId),
    );
  }

  return {
    async applyBandwidthLimit(input: BandwidthLimitInput): Promise<BandwidthLimitResult> {
      const c = cloud.tenant(input.projectId);
      const admin = cloud.admin();
      const direction = input.direction ?? 'egress';
      const burst = input.maxBurstKbps ?? Math.floor(input.maxKbps * 0.8);
      const owner = input.projectId ? { project_id: input.projectId } : {};
      const policy =
        (await findPolicy(admin, input.serverId)) ??
        (await admin.network.createQosPolicy({
          name: policyName(input.serverId),
          description: `bandwidth limit of server ${input.serverId}`,
          ...owner,
        }));
      const existing = (await admin.network.listBandwidthLimitRules(policy.id)).find(
        (r) => (r.direction ?? 'egress') === direction,
      );
      const rule = existing
        ? existing.max_kbps === input.maxKbps && existing.max_burst_kbps === burst
          ? existing
          : await admin.network.updateBandwidthLimitRule(policy.id, existing.id, {
              max_kbps: input.maxKbps,
              max_burst_kbps: burst,
            })
        : await admin.network.createBandwidthLimitRule(policy.id, {
            max_kbps: input.maxKbps,
            max_burst_kbps: burst,
            direction,
          });
      const ports = await c.network.listPorts({ device_id: input.serverId });
      for (const p of ports) {
        if (p.qos_policy_id !== policy.id) await c.network.updatePort(p.id, { qos_policy_id: policy.id });
      }
      return { policyId: policy.id, ruleId: rule.id, portIds: ports.map((p) => p.id) };
    },

    /** Unbinds the server's policy from its ports and deletes it; nothing to do when there is none. */
    async clearBandwidthLimit(input: { projectId: string | null; serverId: string }): Promise<void> {
      const c = cloud.tenant(input.projectId);
      const admin = cloud.admin();
      const policy = await findPolicy(admin, input.serverId);
      if (!policy) return;
      for (const p of await c.network.listPorts({ device_id: input.serverId })) {
        if (p.qos_policy_id === policy.id) await c.network.updatePort(p.id, { qos_policy_id: null });
      }
      try {
        await admin.network.deleteQosPolicy(policy.id);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    },

    /** The listener's `connection_limit` (-1: unlimited); answers the value Octavia now holds. */
    async setListenerConnectionLimit(input: {
      projectId: string | null;
      listenerId: string;
      connectionLimit: number;
    }): Promise<{ connectionLimit: number }> {
      const listener = await cloud
        .tenant(input.projectId)
        .loadBalancer.updateListener(input.listenerId, { connection_limit: input.connectionLimit });
      return { connectionLimit: listener.connection_limit };
    },
  };
}

export type IsolationActivities = ReturnType<typeof createIsolationActivities>;
