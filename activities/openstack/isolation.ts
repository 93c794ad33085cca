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

/** What a server's bandwidth limit was before a change (read first, so a change that cannot finish is undone). */
export interface BandwidthState {
  /** The server's policy, or null when it had none. */
  policyId: string | null;
  /** The policy's rule of the direction changed, or null when it had none. */
  rule: { maxKbps: number; maxBurstKbps: number } | null;
  /** Each port's QoS policy then. */
  ports: Array<{ id: string; qosPolicyId: string | null }>;
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

    /** The server's policy, its rule of `direction` and its ports' bindings, as they are now. */
    async readBandwidthState(input: {
      projectId: string | null;
      serverId: string;
      direction?: 'egress' | 'ingress';
    }): Promise<BandwidthState> {
      const admin = cloud.admin();
      const policy = await findPolicy(admin, input.serverId);
      const rule = policy
        ? (await admin.network.listBandwidthLimitRules(policy.id)).find(
            (r) => (r.direction ?? 'egress') === (input.direction ?? 'egress'),
          )
        : undefined;
      const ports = await cloud.tenant(input.projectId).network.listPorts({ device_id: input.serverId });
      return {
        policyId: policy?.id ?? null,
        rule: rule ? { maxKbps: rule.max_kbps, maxBurstKbps: rule.max_burst_kbps ?? 0 } : null,
        ports: ports.map((p) => ({ id: p.id, qosPolicyId: p.qos_policy_id ?? null })),
      };
    },

    /**
     * Puts a server's bandwidth limit back as `previous` recorded it, after a change that could not finish: the rule
     * of `direction` back to its old values (removed when there was none), each port that was there back on its old
     * policy, the server's policy removed when it had none. Idempotent: each step looks before it acts.
     */
    async restoreBandwidthState(input: {
      projectId: string | null;
      serverId: string;
      direction?: 'egress' | 'ingress';
      previous: BandwidthState;
    }): Promise<void> {
      const c = cloud.tenant(input.projectId);
      const admin = cloud.admin();
      const { previous } = input;
      const policy = await findPolicy(admin, input.serverId);
      if (policy) {
        const direction = input.direction ?? 'egress';
        const rule = (await admin.network.listBandwidthLimitRules(policy.id)).find(
          (r) => (r.direction ?? 'egress') === direction,
        );
        const was = previous.policyId === policy.id ? previous.rule : null;
        try {
          if (rule && !was) await admin.network.deleteBandwidthLimitRule(policy.id, rule.id);
          else if (rule && was && (rule.max_kbps !== was.maxKbps || (rule.max_burst_kbps ?? 0) !== was.maxBurstKbps))
            await admin.network.updateBandwidthLimitRule(policy.id, rule.id, {
              max_kbps: was.maxKbps,
              max_burst_kbps: was.maxBurstKbps,
            });
          else if (!rule && was)
            await admin.network.createBandwidthLimitRule(policy.id, {
              max_kbps: was.maxKbps,
              max_burst_kbps: was.maxBurstKbps,
              direction,
            });
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
      const before = new Map(previous.ports.map((p) => [p.id, p.qosPolicyId]));
      for (const p of await c.network.listPorts({ device_id: input.serverId })) {
        if (!before.has(p.id)) continue;
        const want = before.get(p.id) ?? null;
        if ((p.qos_policy_id ?? null) !== want) await c.network.updatePort(p.id, { qos_policy_id: want });
      }
      if (policy && previous.policyId !== policy.id)
        try {
          await admin.network.deleteQosPolicy(policy.id);
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
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
