import type { SimCloud } from '../core/cloud';
import type { Server } from '../compute/model';
import type { MemberRecord } from './model';
import type { LoadBalancerService } from './service';

/**
 * The Nova server behind an address: the Neutron port holding it (on `subnetId` when given) names
 * the server as its device. `port` is false when no port of the cloud holds the address (a backend
 * outside it); `server` is undefined when the port has no live server behind it.
 */
export function serverAt(
  cloud: SimCloud,
  address: string,
  subnetId: string | null,
): { port: boolean; server?: Server } | undefined {
  const network = cloud.services.network;
  const compute = cloud.services.compute;
  if (!network || !compute) return undefined;
  const port = [...network.store.ports.values()].find(
    (p) =>
      p.fixed_ips.some((f) => f.ip_address === address) &&
      (!subnetId || p.fixed_ips.some((f) => f.subnet_id === subnetId)),
  );
  if (!port) return { port: false };
  const server = port.device_id ? compute.store.servers.get(port.device_id) : undefined;
  return { port: true, server: server && !server.deleted ? server : undefined };
}

/**
 * What a health monitor sees of a member: the Neutron port holding the member's address names the
 * Nova server behind it, which answers only while ACTIVE on a host whose compute service is up.
 * A member at an address the cloud does not hold (a backend outside it) cannot be probed from here
 * and is taken as answering.
 */
export function memberAnswers(svc: LoadBalancerService, m: MemberRecord): boolean {
  const at = serverAt(svc.cloud, m.address, m.subnet_id);
  if (!at || !at.port) return true;
  const server = at.server;
  if (!server || server.vmState !== 'active') return false;
  const compute = svc.cloud.service('compute');
  const host = server.host ? compute.store.hosts.get(server.host) : undefined;
  return !host || compute.store.serviceUp(host);
}
