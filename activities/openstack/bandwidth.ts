import type { Cloud } from './cloud';
import { isNotFound } from './errors';
import { policyName } from './isolation';

/** A server's ports or a floating IP: what a bandwidth product limits. */
export type BandwidthTarget = { kind: 'server'; serverId: string } | { kind: 'floating_ip'; floatingIpId: string };

export interface BandwidthInput {
  projectId: string;
  target: BandwidthTarget;
  /** Kbit/s per direction; null removes that direction's rule. */
  egressKbps: number | null;
  ingressKbps: number | null;
}

export interface BandwidthState {
  policyId: string | null;
  rules: Array<{ direction: 'egress' | 'ingress'; maxKbps: number; ruleId: string }>;
}

const targetPolicy = (t: BandwidthTarget) =>
  t.kind === 'server' ? policyName(t.serverId) : `cmp-bw-fip-${t.floatingIpId}`;

/**
 * The tenant's bandwidth product in Neutron QoS: one policy per target (a server's is the one its
 * operator isolation limits use too, so a port keeps a single policy), a bandwidth_limit rule per
 * limited direction (burst 80%, as the isolation limits), bound to the server's ports or to the
 * floating IP. Neutron lets only admins make QoS policies, so the admin scope makes them owned by
 * the tenant's project; the binding is done in the project. Applying again converges.
 */
export function createBandwidthActivities(cloud: Cloud) {
  return {
    async applyBandwidth(input: BandwidthInput): Promise<BandwidthState> {
      const admin = cloud.admin();
      const c = cloud.tenant(input.projectId);
      const name = targetPolicy(input.target);
      let policy = (await admin.network.listQosPolicies({ name })).find((p) => p.name === name);
      const wanted = { egress: input.egressKbps, ingress: input.ingressKbps } as const;
      if (!policy && wanted.egress === null && wanted.ingress === null) return { policyId: null, rules: [] };
      policy ??= await admin.network.createQosPolicy({
        name,
        description: `bandwidth of ${input.target.kind.replace('_', ' ')}`,
        project_id: input.projectId,
      });
      const rules: BandwidthState['rules'] = [];
      const existing = await admin.network.listBandwidthLimitRules(policy.id);
      for (const direction of ['egress', 'ingress'] as const) {
        const kbps = wanted[direction];
        const have = existing.find((r) => (r.direction ?? 'egress') === direction);
        if (kbps === null) {
          if (have) await admin.network.deleteBandwidthLimitRule(policy.id, have.id);
          continue;
        }
        const burst = Math.floor(kbps * 0.8);
        const rule = !have
          ? await admin.network.createBandwidthLimitRule(policy.id, {
              max_kbps: kbps,
              max_burst_kbps: burst,
              direction,
            })
          : have.max_kbps === kbps && have.max_burst_kbps === burst
            ? have
            : await admin.network.updateBandwidthLimitRule(policy.id, have.id, {
                max_kbps: kbps,
                max_burst_kbps: burst,
              });
        rules.push({ direction, maxKbps: kbps, ruleId: rule.id });
      }
      const policyId = rules.length ? policy.id : null;
      if (input.target.kind === 'server') {
        for (const p of await c.network.listPorts({ device_id: input.target.serverId }))
          if ((p.qos_policy_id ?? null) !== policyId) await c.network.updatePort(p.id, { qos_policy_id: policyId });
      } else {
        const fip = await c.network.getFloatingIp(input.target.floatingIpId);
        if ((fip.qos_policy_id ?? null) !== policyId)
          await c.network.updateFloatingIp(fip.id, { qos_policy_id: policyId });
      }
      if (!policyId) {
        try {
          await admin.network.deleteQosPolicy(policy.id);
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
      return { policyId, rules };
    },
  };
}

export type BandwidthActivities = ReturnType<typeof createBandwidthActivities>;
