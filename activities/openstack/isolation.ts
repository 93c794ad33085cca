import { ApplicationFailure } from '@temporalio/common';
import type { OsSession } from './autoscale-session';

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

interface QosRule {
  id: string;
  max_kbps: number;
  max_burst_kbps: number;
  direction?: string;
}

const policyName = (serverId: string) => `cmp-bw-${serverId}`;

function isNotFound(e: unknown): boolean {
  return e instanceof ApplicationFailure && e.type === 'OpenStackNotFound';
}

/**
 * Isolation: Neutron QoS bandwidth-limit rules bound to a server's ports, and Octavia listener
 * connection limits. Each server gets its own policy (named after it), so applying again updates
 * the rule in place and a retry finds what the first attempt created.
 */
export function createIsolationActivities(session: (projectId: string | null) => OsSession) {
  async function findPolicy(os: OsSession, serverId: string): Promise<{ id: string } | undefined> {
    const { policies } = await os.call<{ policies: Array<{ id: string; name: string }> }>('network', 'GET', `/v2.0/qos/policies?name=${encodeURIComponent(policyName(serverId))}`);
    return policies.find((p) => p.name === policyName(serverId));
  }

  async function serverPorts(os: OsSession, serverId: string): Promise<Array<{ id: string; qos_policy_id: string | null }>> {
    const { ports } = await os.call<{ ports: Array<{ id: string; qos_policy_id: string | null }> }>('network', 'GET', `/v2.0/ports?device_id=${encodeURIComponent(serverId)}`);
    return ports;
  }

  return {
    async applyBandwidthLimit(input: BandwidthLimitInput): Promise<BandwidthLimitResult> {
      const os = session(input.projectId);
      const direction = input.direction ?? 'egress';
      const burst = input.maxBurstKbps ?? Math.floor(input.maxKbps * 0.8);
      const policy =
        (await findPolicy(os, input.serverId)) ??
        (await os.call<{ policy: { id: string } }>('network', 'POST', '/v2.0/qos/policies', { policy: { name: policyName(input.serverId), description: `bandwidth limit of server ${input.serverId}` } })).policy;
      const rulesPath = `/v2.0/qos/policies/${policy.id}/bandwidth_limit_rules`;
      const { bandwidth_limit_rules: rules } = await os.call<{ bandwidth_limit_rules: QosRule[] }>('network', 'GET', rulesPath);
      const existing = rules.find((r) => (r.direction ?? 'egress') === direction);
      const rule = existing
        ? existing.max_kbps === input.maxKbps && existing.max_burst_kbps === burst
          ? existing
          : (await os.call<{ bandwidth_limit_rule: QosRule }>('network', 'PUT', `${rulesPath}/${existing.id}`, { bandwidth_limit_rule: { max_kbps: input.maxKbps, max_burst_kbps: burst } })).bandwidth_limit_rule
        : (await os.call<{ bandwidth_limit_rule: QosRule }>('network', 'POST', rulesPath, { bandwidth_limit_rule: { max_kbps: input.maxKbps, max_burst_kbps: burst, direction } })).bandwidth_limit_rule;
      const ports = await serverPorts(os, input.serverId);
      for (const p of ports) {
        if (p.qos_policy_id !== policy.id) await os.call('network', 'PUT', `/v2.0/ports/${p.id}`, { port: { qos_policy_id: policy.id } });
      }
      return { policyId: policy.id, ruleId: rule.id, portIds: ports.map((p) => p.id) };
    },

    /** Unbinds the server's policy from its ports and deletes it; nothing to do when there is none. */
    async clearBandwidthLimit(input: { projectId: string | null; serverId: string }): Promise<void> {
      const os = session(input.projectId);
      const policy = await findPolicy(os, input.serverId);
      if (!policy) return;
      for (const p of await serverPorts(os, input.serverId)) {
        if (p.qos_policy_id === policy.id) await os.call('network', 'PUT', `/v2.0/ports/${p.id}`, { port: { qos_policy_id: null } });
      }
      try {
        await os.call('network', 'DELETE', `/v2.0/qos/policies/${policy.id}`);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    },

    /** The listener's `connection_limit` (-1: unlimited); answers the value Octavia now holds. */
    async setListenerConnectionLimit(input: { projectId: string | null; listenerId: string; connectionLimit: number }): Promise<{ connectionLimit: number }> {
      const os = session(input.projectId);
      const { listener } = await os.call<{ listener: { connection_limit: number } }>('load-balancer', 'PUT', `/v2/lbaas/listeners/${input.listenerId}`, {
        listener: { connection_limit: input.connectionLimit },
      });
      return { connectionLimit: listener.connection_limit };
    },
  };
}

export type IsolationActivities = ReturnType<typeof createIsolationActivities>;
