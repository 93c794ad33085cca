import type { SimCloud } from '../core/cloud';
import type { Server } from '../compute/model';
import { selectHost } from '../compute/scheduler';
import { PowerState, VmState } from '../compute/state-map';
import { SimHttpError } from '../core/errors';

export interface BulkSeedRequest {
  count: number;
  projectId: string;
  userId: string;
  flavorId?: string;
  namePrefix?: string;
  metadata?: Record<string, string>;
}

/**
 * Creates ACTIVE servers straight in Nova's store (scheduler placement, no ports, no quota),
 * for scale tests that need thousands of servers quickly.
 */
export function bulkSeedServers(cloud: SimCloud, req: BulkSeedRequest): { created: number; unplaced: number } {
  const svc = cloud.service('compute');
  const store = svc.store;
  const flavor = store.flavors.get(req.flavorId ?? '1');
  if (!flavor) throw new SimHttpError(400, { error: `flavor ${req.flavorId} not found` });
  let created = 0;
  let unplaced = 0;
  for (let i = 0; i < req.count; i++) {
    const host = selectHost(store, { flavor, diskGb: flavor.disk });
    if (!host) {
      unplaced++;
      continue;
    }
    const now = cloud.isoNow();
    const seq = ++store.seq.server;
    const name = `${req.namePrefix ?? 'seed'}-${seq}`;
    const s: Server = {
      id: cloud.newId(),
      seq,
      name,
      projectId: req.projectId,
      userId: req.userId,
      flavor: { ...flavor, extraSpecs: { ...flavor.extraSpecs } },
      imageId: cloud.newId(),
      keyName: null,
      metadata: { ...req.metadata },
      tags: [],
      vmState: VmState.ACTIVE,
      taskState: null,
      powerState: PowerState.RUNNING,
      host: null,
      az: host.az,
      createdAt: now,
      updatedAt: now,
      launchedAt: now,
      terminatedAt: null,
      ports: [],
      volumes: [],
      adminPass: '',
      userData: null,
      accessIPv4: '',
      accessIPv6: '',
      description: null,
      hostname: name,
      locked: false,
      lockedReason: null,
      configDrive: '',
      securityGroups: ['default'],
      fault: null,
      progress: 0,
      reservationId: 'r-seed',
      oldFlavor: null,
      sourceHost: null,
      deleted: false,
      load: { cpu: 0, memoryMb: 0, rxBps: 0, txBps: 0 },
    };
    store.insertServer(s);
    store.claim(host, s);
    created++;
  }
  return { created, unplaced };
}
