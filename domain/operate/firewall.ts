/**
 * Firewall policies: a tenant's named set of rules, sold as a layer over Neutron security groups
 * (one group per policy in his project, put on the ports of the servers it is applied to). Each
 * tenant has a default policy, made on his first need, that lets ping and SSH in.
 */
export const firewallProtocols = ['tcp', 'udp', 'icmp', 'any'] as const;

export interface FirewallRule {
  direction: 'ingress' | 'egress';
  protocol: (typeof firewallProtocols)[number];
  portMin?: number | null;
  portMax?: number | null;
  /** Where traffic comes from (ingress) or goes to (egress); anywhere when absent. */
  remoteCidr?: string | null;
}

export const defaultPolicyName = 'default';

export const defaultFirewallRules: FirewallRule[] = [
  { direction: 'ingress', protocol: 'icmp', remoteCidr: '0.0.0.0/0' },
  { direction: 'ingress', protocol: 'tcp', portMin: 22, portMax: 22, remoteCidr: '0.0.0.0/0' },
];

/** Why the rule cannot be one (null when it can): ports only on tcp/udp, min not above max. */
export function ruleProblem(r: FirewallRule): string | null {
  const ported = r.protocol === 'tcp' || r.protocol === 'udp';
  if (!ported && (r.portMin != null || r.portMax != null)) return `ports only apply to tcp and udp, not ${r.protocol}`;
  if (r.portMin != null && r.portMax != null && r.portMin > r.portMax) return 'portMin is above portMax';
  return null;
}

/** The Neutron security group rule of a firewall rule. */
export function neutronRule(securityGroupId: string, r: FirewallRule): Record<string, unknown> {
  const ported = r.protocol === 'tcp' || r.protocol === 'udp';
  return {
    security_group_id: securityGroupId,
    direction: r.direction,
    ethertype: 'IPv4',
    ...(r.protocol !== 'any' ? { protocol: r.protocol } : {}),
    ...(ported && r.portMin != null ? { port_range_min: r.portMin, port_range_max: r.portMax ?? r.portMin } : {}),
    ...(ported && r.portMin == null && r.portMax != null ? { port_range_min: 1, port_range_max: r.portMax } : {}),
    ...(r.remoteCidr ? { remote_ip_prefix: r.remoteCidr } : {}),
  };
}
