import { ApplicationFailure } from '@temporalio/common';
import type { OpenStackClient } from './client';
import { OpenStackFailureType } from './errors';
import type { Network, Subnet } from './network';

const toInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const toIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

/** The first address of the subnet's pools that no port holds and is not the gateway. */
export function freeAddress(subnet: Pick<Subnet, 'gateway_ip' | 'allocation_pools'>, taken: Set<string>): string | null {
  for (const pool of subnet.allocation_pools) {
    for (let n = toInt(pool.start); n <= toInt(pool.end); n++) {
      const ip = toIp(n);
      if (ip !== subnet.gateway_ip && !taken.has(ip)) return ip;
    }
  }
  return null;
}

export async function findNetwork(c: OpenStackClient, idOrName: string): Promise<Network> {
  if (/^[0-9a-f-]{36}$/i.test(idOrName)) return c.network.getNetwork(idOrName);
  const [net] = await c.network.listNetworks({ name: idOrName });
  if (!net) throw ApplicationFailure.nonRetryable(`network ${idOrName} not found`, OpenStackFailureType.NotFound);
  return net;
}

/**
 * The item's port, made once (named by the tag). On a FLAT/provider network the platform picks the
 * address from the pool itself and sets it on the port, so it is written into the instance at boot;
 * two items racing for one address make Neutron answer 409, which is retried with the next address.
 */
export async function ensureTaggedPort(c: OpenStackClient, tag: string, networkRef: string): Promise<{ portId: string; networkId: string; fixedIp: string | null }> {
  const view = (p: { id: string; network_id: string; fixed_ips: Array<{ ip_address: string }> }) => ({ portId: p.id, networkId: p.network_id, fixedIp: p.fixed_ips[0]?.ip_address ?? null });
  const [existing] = await c.network.listPorts({ name: tag });
  if (existing) return view(existing);
  const net = await findNetwork(c, networkRef);
  const port: Parameters<OpenStackClient['network']['createPort']>[0] = { network_id: net.id, name: tag, description: tag };
  if (net['provider:network_type'] === 'flat') {
    const subnet = (await c.network.listSubnets({ network_id: net.id })).find((x) => x.ip_version === 4);
    if (!subnet) throw ApplicationFailure.nonRetryable(`network ${net.name} has no IPv4 subnet`, OpenStackFailureType.BadRequest);
    const taken = new Set((await c.network.listPorts({ network_id: net.id })).flatMap((p) => p.fixed_ips.map((f) => f.ip_address)));
    const ip = freeAddress(subnet, taken);
    if (!ip) throw ApplicationFailure.nonRetryable(`network ${net.name} has no free address`, OpenStackFailureType.QuotaExceeded);
    port.fixed_ips = [{ subnet_id: subnet.id, ip_address: ip }];
  }
  return view(await c.network.createPort(port));
}

/**
 * Neutron only gives a port a floating IP when a router joins the port's subnet to the external
 * network. For ports on the platform's shared provider network that router belongs to the platform
 * (admin project, `cmp-gw-<subnetId>`), made once and shared by every tenant.
 */
export async function ensureGatewayRouter(admin: OpenStackClient, project: OpenStackClient, portId: string, externalNetworkId: string): Promise<void> {
  const port = await project.network.getPort(portId);
  const subnetId = port.fixed_ips[0]?.subnet_id;
  if (!subnetId) return;
  const interfaces = await admin.network.listPorts({ network_id: port.network_id, device_owner: 'network:router_interface' });
  for (const p of interfaces.filter((x) => x.fixed_ips.some((f) => f.subnet_id === subnetId))) {
    const router = await admin.network.getRouter(p.device_id);
    if (router.external_gateway_info?.network_id === externalNetworkId) return;
  }
  const name = `cmp-gw-${subnetId}`;
  const routerId = (await admin.network.listRouters({ name }))[0]?.id ?? (await admin.network.createRouter({ name, external_gateway_info: { network_id: externalNetworkId } })).id;
  await admin.network.addRouterInterface(routerId, { subnet_id: subnetId });
}
