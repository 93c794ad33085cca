import { ApplicationFailure } from '@temporalio/common';
import type { OpenStackClient } from './client';
import { OpenStackError, OpenStackFailureType } from './errors';
import type { Network } from './network';

export async function findNetwork(c: OpenStackClient, idOrName: string): Promise<Network> {
  if (/^[0-9a-f-]{36}$/i.test(idOrName)) return c.network.getNetwork(idOrName);
  const [net] = await c.network.listNetworks({ name: idOrName });
  if (!net) throw ApplicationFailure.nonRetryable(`network ${idOrName} not found`, OpenStackFailureType.NotFound);
  return net;
}

/** An address or MAC the order asked for, as the admin scope picks it for the tenant's project. */
export interface ChosenAddress {
  fixedIp?: string | null;
  macAddress?: string | null;
  /** The admin scope and the tenant's project: a member may not pick addresses on a network it does not own. */
  admin: OpenStackClient;
  projectId: string;
}

/**
 * The item's port, made once (named by the tag) in the tenant's project. Neutron allocates its
 * address from the network's subnet (a member may not pick addresses on a network it does not own,
 * nor see other projects' ports), so the address is known before the server boots; an address or
 * MAC the order chose is asked for by the admin scope on the project's behalf, and one taken since
 * the order was checked fails the item (not retried). The security groups chosen for the server
 * are the port's (Neutron's project default when none are).
 */
export async function ensureTaggedPort(
  c: OpenStackClient,
  tag: string,
  networkRef: string,
  securityGroupIds: string[] = [],
  chosen?: ChosenAddress,
): Promise<{ portId: string; networkId: string; fixedIp: string | null; securityGroupIds: string[] }> {
  const view = (p: {
    id: string;
    network_id: string;
    fixed_ips: Array<{ ip_address: string }>;
    security_groups?: string[];
  }) => ({
    portId: p.id,
    networkId: p.network_id,
    fixedIp: p.fixed_ips[0]?.ip_address ?? null,
    securityGroupIds: p.security_groups ?? [],
  });
  const [existing] = await c.network.listPorts({ name: tag });
  if (existing) return view(existing);
  const net = await findNetwork(c, networkRef);
  if (!net.subnets?.length)
    throw ApplicationFailure.nonRetryable(`network ${net.name} has no subnet`, OpenStackFailureType.BadRequest);
  const body = {
    network_id: net.id,
    name: tag,
    description: tag,
    ...(securityGroupIds.length ? { security_groups: securityGroupIds } : {}),
  };
  if (!chosen?.fixedIp && !chosen?.macAddress) return view(await c.network.createPort(body));
  try {
    return view(
      await chosen.admin.network.createPort({
        ...body,
        project_id: chosen.projectId,
        ...(chosen.fixedIp ? { fixed_ips: [{ ip_address: chosen.fixedIp }] } : {}),
        ...(chosen.macAddress ? { mac_address: chosen.macAddress } : {}),
      }),
    );
  } catch (e) {
    if (
      e instanceof OpenStackError &&
      e.status === 409 &&
      /IpAddressAlreadyAllocated|MacAddressInUse/.test(e.code ?? '')
    )
      throw ApplicationFailure.nonRetryable(e.message, OpenStackFailureType.InvalidResourceState);
    throw e;
  }
}

/**
 * Neutron only gives a port a floating IP when a router joins the port's subnet to the external
 * network. For ports on the platform's shared provider network that router belongs to the platform
 * (admin project, `cmp-gw-<subnetId>`), made once and shared by every tenant.
 */
export async function ensureGatewayRouter(
  admin: OpenStackClient,
  project: OpenStackClient,
  portId: string,
  externalNetworkId: string,
): Promise<void> {
  const port = await project.network.getPort(portId);
  const subnetId = port.fixed_ips[0]?.subnet_id;
  if (!subnetId) return;
  const interfaces = await admin.network.listPorts({
    network_id: port.network_id,
    device_owner: 'network:router_interface',
  });
  for (const p of interfaces.filter((x) => x.fixed_ips.some((f) => f.subnet_id === subnetId))) {
    const router = await admin.network.getRouter(p.device_id);
    if (router.external_gateway_info?.network_id === externalNetworkId) return;
  }
  const name = `cmp-gw-${subnetId}`;
  const routerId =
    (await admin.network.listRouters({ name }))[0]?.id ??
    (await admin.network.createRouter({ name, external_gateway_info: { network_id: externalNetworkId } })).id;
  await admin.network.addRouterInterface(routerId, { subnet_id: subnetId });
}
