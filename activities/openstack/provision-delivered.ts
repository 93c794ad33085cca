import type { CloudResource } from '../../domain/entities';
import type { OpenStackClient } from './client';
import type { Cloud } from './cloud';
import { isNotFound } from './errors';
import { fetchOne, stateOf, type OperatedKind } from './operate-resources';
import { serverSnapshotOf } from './operate-servers';
import type { DeliveredState } from './provision-records';

const operated = new Set<string>(['volume', 'network', 'subnet', 'router', 'floating_ip']);

/**
 * What OpenStack reports of an object an order made, in the shape the operate workflows keep: a
 * server as its snapshot (read in the admin scope, the only one Nova shows the host to), other
 * objects as their operate view. Null for kinds without a view (ports) or an object already gone.
 */
export async function deliveredState(
  cloud: Cloud,
  c: OpenStackClient,
  r: CloudResource,
): Promise<DeliveredState | null> {
  if (r.kind === 'server') {
    try {
      const snapshot = serverSnapshotOf(await cloud.admin().compute.getServer(r.openstackId!));
      return { osStatus: snapshot.status, attributes: { ...snapshot } };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }
  if (!operated.has(r.kind)) return null;
  const row = await fetchOne(c, r.kind as OperatedKind, r.openstackId!);
  if (!row) return null;
  const state = stateOf(r.kind as OperatedKind, row);
  return { osStatus: state.osStatus, attributes: state.attributes };
}
