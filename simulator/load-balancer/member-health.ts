import type { MemberRecord } from './model';
import type { LoadBalancerService } from './service';

/**
 * What a health monitor sees of a member: the Neutron port holding the member's address names the
 * Nova server behind it, which answers only while ACTIVE on a host whose compute service is up.
 * A member at an address the cloud does not hold (a backend outside it) cannot be probed from here
 * and is taken as answering.
 */
export function memberAnswers(svc: LoadBalancerService, m: MemberRecord): boolean {
  const network = svc.cloud.services.network;
  const compute = svc.cloud.services.compute;
  if (!network || !compute) return true;
  const port = [...network.store.ports.values()].find(
    (p) =>
      p.fixed_ips.some((f) => f.ip_address === m.address) &&
      (!m.subnet_id || p.fixed_ips.some((f) => f.subnet_id === m.subnet_id)),
  );
  if (!port) return true;
  const server = port.device_id ? compute.store.servers.get(port.device_id) : undefined;
  if (!server || server.deleted || server.vmState !== 'active') return false;
  const host = server.host ? compute.store.hosts.get(server.host) : undefined;
  return !host || compute.store.serviceUp(host);
}
