import type { FloatingIp, Port, Subnet } from '../../activities/openstack/network';
import type { OpenStackClient } from '../../activities/openstack';
import { ipv4ToInt } from '../../domain/orders/addresses';

export interface IpPoolUsage {
  /** Addresses in the subnet's allocation pools. */
  total: number;
  /** Of those, held by a port (router gateways, floating IPs) or a floating IP. */
  used: number;
  free: number;
}

const inPools = (s: Subnet, ip: string) => {
  const n = ipv4ToInt(ip);
  return (
    n !== null &&
    (s.allocation_pools ?? []).some((p) => n >= (ipv4ToInt(p.start) ?? Infinity) && n <= (ipv4ToInt(p.end) ?? -1))
  );
};

/** Total, used and free addresses of a public IP pool (an IPv4 subnet of an external network). */
export function usageOf(s: Subnet, ports: Port[], fips: FloatingIp[]): IpPoolUsage {
  const total = (s.allocation_pools ?? []).reduce(
    (n, p) => n + Math.max(0, (ipv4ToInt(p.end) ?? 0) - (ipv4ToInt(p.start) ?? 1) + 1),
    0,
  );
  const held = new Set<string>();
  for (const p of ports)
    for (const f of p.fixed_ips ?? []) if (f.subnet_id === s.id && inPools(s, f.ip_address)) held.add(f.ip_address);
  for (const f of fips)
    if (f.floating_network_id === s.network_id && inPools(s, f.floating_ip_address)) held.add(f.floating_ip_address);
  return { total, used: held.size, free: Math.max(0, total - held.size) };
}

/** The usage of each subnet, reading the ports and floating IPs of their networks once. */
export async function usagesOf(os: OpenStackClient, subnets: Subnet[]): Promise<Map<string, IpPoolUsage>> {
  const networks = [...new Set(subnets.map((s) => s.network_id))];
  const held = await Promise.all(
    networks.map(async (id) => {
      const [ports, fips] = await Promise.all([
        os.network.listPorts({ network_id: id }),
        os.network.listFloatingIps({ floating_network_id: id }),
      ]);
      return [id, { ports, fips }] as const;
    }),
  );
  const byNet = new Map(held);
  return new Map(subnets.map((s) => [s.id, usageOf(s, byNet.get(s.network_id)!.ports, byNet.get(s.network_id)!.fips)]));
}
