import { ApplicationFailure } from '@temporalio/common';
import type { CloudSession } from './provision-session';

interface Network {
  id: string;
  name: string;
  'provider:network_type'?: string;
  'router:external'?: boolean;
}
interface Subnet {
  id: string;
  ip_version: number;
  gateway_ip: string | null;
  allocation_pools: Array<{ start: string; end: string }>;
}

const toInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const toIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

/** The first address of the subnet's pools that no port holds and is not the gateway. */
export function freeAddress(subnet: Subnet, taken: Set<string>): string | null {
  for (const pool of subnet.allocation_pools) {
    for (let n = toInt(pool.start); n <= toInt(pool.end); n++) {
      const ip = toIp(n);
      if (ip !== subnet.gateway_ip && !taken.has(ip)) return ip;
    }
  }
  return null;
}

export async function findNetwork(s: CloudSession, idOrName: string): Promise<Network> {
  if (/^[0-9a-f-]{36}$/i.test(idOrName)) return (await s.call<{ network: Network }>('network', 'GET', `/v2.0/networks/${idOrName}`)).network;
  const { networks } = await s.call<{ networks: Network[] }>('network', 'GET', `/v2.0/networks?name=${encodeURIComponent(idOrName)}`);
  if (!networks[0]) throw ApplicationFailure.nonRetryable(`network ${idOrName} not found`, 'OpenStackNotFound');
  return networks[0];
}

/**
 * The item's port, made once (named by the tag). On a FLAT/provider network the platform picks the
 * address from the pool itself and sets it on the port, so it is written into the instance at boot;
 * two items racing for one address make Neutron answer 409, which is retried with the next address.
 */
export async function ensureTaggedPort(s: CloudSession, tag: string, networkRef: string): Promise<{ portId: string; networkId: string; fixedIp: string | null }> {
  type Port = { id: string; network_id: string; fixed_ips: Array<{ ip_address: string; subnet_id: string }> };
  const existing = await s.call<{ ports: Port[] }>('network', 'GET', `/v2.0/ports?name=${encodeURIComponent(tag)}`);
  const view = (p: Port) => ({ portId: p.id, networkId: p.network_id, fixedIp: p.fixed_ips[0]?.ip_address ?? null });
  if (existing.ports[0]) return view(existing.ports[0]);
  const net = await findNetwork(s, networkRef);
  const port: Record<string, unknown> = { network_id: net.id, name: tag, description: tag };
  if (net['provider:network_type'] === 'flat') {
    const { subnets } = await s.call<{ subnets: Subnet[] }>('network', 'GET', `/v2.0/subnets?network_id=${net.id}`);
    const subnet = subnets.find((x) => x.ip_version === 4);
    if (!subnet) throw ApplicationFailure.nonRetryable(`network ${net.name} has no IPv4 subnet`, 'ProvisionFailed');
    const { ports } = await s.call<{ ports: Port[] }>('network', 'GET', `/v2.0/ports?network_id=${net.id}`);
    const taken = new Set(ports.flatMap((p) => p.fixed_ips.map((f) => f.ip_address)));
    const ip = freeAddress(subnet, taken);
    if (!ip) throw ApplicationFailure.nonRetryable(`network ${net.name} has no free address`, 'ProvisionFailed');
    port.fixed_ips = [{ subnet_id: subnet.id, ip_address: ip }];
  }
  return view((await s.call<{ port: Port }>('network', 'POST', '/v2.0/ports', { port })).port);
}

/**
 * Neutron only gives a port a floating IP when a router joins the port's subnet to the external
 * network. For ports on the platform's shared provider network that router belongs to the platform
 * (admin project, `cmp-gw-<subnetId>`), made once and shared by every tenant.
 */
export async function ensureGatewayRouter(admin: CloudSession, project: CloudSession, portId: string, externalNetworkId: string): Promise<void> {
  type Port = { network_id: string; fixed_ips: Array<{ subnet_id: string }> };
  const { port } = await project.call<{ port: Port }>('network', 'GET', `/v2.0/ports/${portId}`);
  const subnetId = port.fixed_ips[0]?.subnet_id;
  if (!subnetId) return;
  const { ports } = await admin.call<{ ports: Array<{ device_id: string; fixed_ips: Array<{ subnet_id: string }> }> }>('network', 'GET', `/v2.0/ports?network_id=${port.network_id}&device_owner=network:router_interface`);
  for (const p of ports.filter((x) => x.fixed_ips.some((f) => f.subnet_id === subnetId))) {
    const { router } = await admin.call<{ router: { external_gateway_info: { network_id: string } | null } }>('network', 'GET', `/v2.0/routers/${p.device_id}`);
    if (router.external_gateway_info?.network_id === externalNetworkId) return;
  }
  const name = `cmp-gw-${subnetId}`;
  const found = await admin.call<{ routers: Array<{ id: string }> }>('network', 'GET', `/v2.0/routers?name=${encodeURIComponent(name)}`);
  const routerId =
    found.routers[0]?.id ?? (await admin.call<{ router: { id: string } }>('network', 'POST', '/v2.0/routers', { router: { name, external_gateway_info: { network_id: externalNetworkId } } })).router.id;
  await admin.call('network', 'PUT', `/v2.0/routers/${routerId}/add_router_interface`, { subnet_id: subnetId });
}
