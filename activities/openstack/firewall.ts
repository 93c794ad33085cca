import { neutronRule, type FirewallRule } from '../../domain/operate/firewall';
import type { OpenStackClient } from './client';
import { isNotFound } from './errors';

/** Rules the platform made for a policy carry this description; Neutron's own default egress rules stay. */
const ruleMark = 'cmp-firewall';

/** The policy's security group in the tenant's project, found by its tag (description) before it is made. */
export async function ensurePolicyGroup(c: OpenStackClient, tag: string, name: string): Promise<string> {
  const have = (await c.network.listSecurityGroups({ description: tag }))[0];
  if (have) return have.id;
  return (await c.network.createSecurityGroup({ name: `fw-${name}`, description: tag })).id;
}

/** Makes the group's platform rules exactly `rules` (others removed, missing ones made). */
export async function syncPolicyRules(c: OpenStackClient, groupId: string, rules: FirewallRule[]): Promise<string[]> {
  const existing = (await c.network.listSecurityGroupRules({ security_group_id: groupId })).filter(
    (r) => r.description === ruleMark,
  );
  const key = (r: Record<string, unknown>) =>
    [
      r.direction,
      r.protocol ?? null,
      r.port_range_min ?? null,
      r.port_range_max ?? null,
      r.remote_ip_prefix ?? null,
    ].join('|');
  const wanted = new Map(rules.map((r) => [key(neutronRule(groupId, r)), r]));
  for (const r of existing) {
    if (wanted.has(key(r as unknown as Record<string, unknown>)))
      wanted.delete(key(r as unknown as Record<string, unknown>));
    else await c.network.deleteSecurityGroupRule(r.id);
  }
  for (const r of wanted.values())
    await c.network.createSecurityGroupRule({
      ...(neutronRule(groupId, r) as { security_group_id: string; direction: 'ingress' | 'egress' }),
      description: ruleMark,
    });
  return (await c.network.listSecurityGroupRules({ security_group_id: groupId }))
    .filter((r) => r.description === ruleMark)
    .map((r) => r.id);
}

/** Puts the group on (or takes it off) every port of the server; answers the ports changed. */
export async function setGroupOnServer(
  c: OpenStackClient,
  serverId: string,
  groupId: string,
  on: boolean,
): Promise<string[]> {
  const ports = await c.network.listPorts({ device_id: serverId });
  for (const p of ports) {
    const has = p.security_groups.includes(groupId);
    if (has === on) continue;
    const groups = on ? [...p.security_groups, groupId] : p.security_groups.filter((g) => g !== groupId);
    await c.network.updatePort(p.id, { security_groups: groups });
  }
  return ports.map((p) => p.id);
}

export async function deletePolicyGroup(c: OpenStackClient, groupId: string): Promise<void> {
  try {
    await c.network.deleteSecurityGroup(groupId);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
