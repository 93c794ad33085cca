import type { OpenStackClient } from '../../activities/openstack';
import type { CloudResource } from '../../domain/entities';
import type { LoadBalancerItemSpec, OrderItemSpec } from '../../domain/orders/items';
import { ApiError } from '../lib/api-error';
import type { Ctx } from '../deps';
import { ownRecord } from './cloud-ids';

export type MemberAddress = NonNullable<LoadBalancerItemSpec['memberAddresses']>[string];

/** The address a load balancer reaches the server on: its first port's first fixed IP (admin view). */
export async function memberAddressOf(os: OpenStackClient | undefined, server: CloudResource): Promise<MemberAddress> {
  if (!os) throw new ApiError(503, 'cloud_unavailable', 'the cloud is not configured, so servers cannot be read');
  const ports = await os.network.listPorts({ device_id: server.openstackId! }).catch((e: Error) => {
    throw new ApiError(503, 'cloud_unavailable', `the cloud could not list the ports of a server: ${e.message}`);
  });
  const fixed = ports.flatMap((p) => p.fixed_ips)[0];
  if (!fixed)
    throw new ApiError(422, 'validation_failed', `instance ${server.id} has no address a load balancer can reach`);
  return { serverId: server.openstackId!, address: fixed.ip_address, subnetId: fixed.subnet_id ?? null };
}

/**
 * A load balancer's members are the tenant's own active instances, named by their platform ids:
 * each is resolved as his (another tenant's is unknown, 422) to its server and address, which the
 * spec then carries to provisioning.
 */
export async function resolveLbMembers(c: Ctx, tenantId: string, specs: OrderItemSpec[]): Promise<OrderItemSpec[]> {
  const out: OrderItemSpec[] = [];
  for (const [i, spec] of specs.entries()) {
    if (spec.kind !== 'load_balancer') {
      out.push(spec);
      continue;
    }
    const memberAddresses: Record<string, MemberAddress> = {};
    for (const [l, listener] of spec.listeners.entries()) {
      for (const [m, id] of listener.pool.members.entries()) {
        if (memberAddresses[id]) continue;
        const server = await ownRecord(c, {
          kind: 'server',
          id,
          tenantId,
          path: `items.${i}.listeners.${l}.pool.members.${m}`,
        });
        memberAddresses[id] = await memberAddressOf(c.get('deps').cloud, server);
      }
    }
    out.push({ ...spec, memberAddresses });
  }
  return out;
}
