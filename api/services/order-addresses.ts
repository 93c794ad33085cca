import type { OpenStackClient } from '../../activities/openstack';
import { macProblem, normalMac, poolOf } from '../../domain/orders/addresses';
import type { OrderItemSpec } from '../../domain/orders/items';
import { ApiError, unprocessable } from '../lib/api-error';

type Problem = { path: string; message: string };

async function networkOf(os: OpenStackClient, ref: string) {
  if (/^[0-9a-f-]{36}$/i.test(ref)) return os.network.getNetwork(ref);
  const [net] = await os.network.listNetworks({ name: ref });
  if (!net) throw new ApiError(503, 'cloud_unavailable', `the platform's network ${ref} does not exist in the cloud`);
  return net;
}

/**
 * The fixed IPs and MACs the server items ask for, checked against the cloud before anything is
 * reserved: the address inside an allocation pool of the network (the platform's default one or the
 * tenant's resolved one) and held by no port, the MAC unicast and on no port; the same address or
 * MAC twice in one order is refused too. One 422 names every problem and its field.
 */
export async function checkItemAddresses(
  os: OpenStackClient | undefined,
  defaultNetwork: string,
  /** The tenant's OpenStack project: only on his own networks (or the platform's) does he pick addresses. */
  tenantProjectId: string | null,
  specs: OrderItemSpec[],
): Promise<OrderItemSpec[]> {
  const wanted = specs.some((s) => s.kind === 'server' && (s.fixedIp || s.macAddress));
  if (!wanted) return specs;
  if (!os) throw new ApiError(503, 'cloud_unavailable', 'the cloud is not configured, so addresses cannot be checked');
  const problems: Problem[] = [];
  const seenIps = new Set<string>();
  const seenMacs = new Set<string>();
  const out: OrderItemSpec[] = [];
  try {
    for (const [i, spec] of specs.entries()) {
      if (spec.kind !== 'server' || !(spec.fixedIp || spec.macAddress)) {
        out.push(spec);
        continue;
      }
      const net = await networkOf(os, spec.networkId ?? defaultNetwork);
      // As Neutron's policy: picking an address on a network another project shares with you is squatting on it.
      const owner = (net as { project_id?: string; tenant_id?: string }).project_id ?? net.tenant_id;
      if (spec.networkId && spec.networkId !== defaultNetwork && (!tenantProjectId || owner !== tenantProjectId)) {
        problems.push({
          path: `items.${i}.${spec.fixedIp ? 'fixedIp' : 'macAddress'}`,
          message: `a fixed IP or MAC is chosen only on your own networks or the platform's network, not on ${net.name || net.id}`,
        });
        out.push(spec);
        continue;
      }
      const ports = await os.network.listPorts({ network_id: net.id });
      if (spec.fixedIp) {
        const path = `items.${i}.fixedIp`;
        const placed = poolOf(spec.fixedIp, await os.network.listSubnets({ network_id: net.id }), net.name || net.id);
        if (placed.problem) problems.push({ path, message: placed.problem });
        else if (
          seenIps.has(`${net.id}/${spec.fixedIp}`) ||
          ports.some((p) => p.fixed_ips.some((f) => f.ip_address === spec.fixedIp))
        )
          problems.push({ path, message: `${spec.fixedIp} is already in use on network ${net.name || net.id}` });
        seenIps.add(`${net.id}/${spec.fixedIp}`);
      }
      let mac = spec.macAddress ?? null;
      if (mac) {
        const path = `items.${i}.macAddress`;
        const why = macProblem(mac);
        mac = normalMac(mac);
        if (why) problems.push({ path, message: why });
        else if (seenMacs.has(mac) || (await os.network.listPorts({ mac_address: mac })).length)
          problems.push({ path, message: `MAC ${mac} is already in use` });
        seenMacs.add(mac);
      }
      out.push({ ...spec, ...(mac ? { macAddress: mac } : {}) });
    }
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(
      503,
      'cloud_unavailable',
      `the cloud could not be asked about addresses: ${(e as Error).message}`,
    );
  }
  if (problems.length) throw unprocessable(problems.map((p) => p.message).join('; '), problems);
  return out;
}
