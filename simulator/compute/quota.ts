import type { Flavor } from './model';
import type { ComputeService } from './service';
import { forbidden } from './errors';

/**
 * Nova's instances/cores/ram check for a create of min..max servers, with Nova's message:
 * "Quota exceeded for cores: Requested 4, but already used 10 of 12 cores".
 */
export function checkServerQuota(
  svc: ComputeService,
  projectId: string,
  flavor: Flavor,
  minCount: number,
  maxCount: number,
): void {
  const quota = svc.store.quotaOf(projectId);
  const used = svc.store.usageOf(projectId);
  const requested = { cores: flavor.vcpus * maxCount, instances: maxCount, ram: flavor.ram * maxCount };
  const minRequested = { cores: flavor.vcpus * minCount, instances: minCount, ram: flavor.ram * minCount };
  const overs = (['cores', 'instances', 'ram'] as const).filter(
    (r) => quota[r] >= 0 && used[r] + minRequested[r] > quota[r],
  );
  if (overs.length === 0) return;
  const r = overs[0];
  throw forbidden(
    `Quota exceeded for ${overs.join(', ')}: Requested ${requested[r]}, but already used ${used[r]} of ${quota[r]} ${overs.join(', ')}`,
  );
}

/** Resize: only the difference between the flavors counts. */
export function checkResizeQuota(svc: ComputeService, projectId: string, from: Flavor, to: Flavor): void {
  const quota = svc.store.quotaOf(projectId);
  const used = svc.store.usageOf(projectId);
  const delta = { cores: to.vcpus - from.vcpus, ram: to.ram - from.ram };
  const overs = (['cores', 'ram'] as const).filter(
    (r) => delta[r] > 0 && quota[r] >= 0 && used[r] + delta[r] > quota[r],
  );
  if (overs.length === 0) return;
  const r = overs[0];
  throw forbidden(
    `Quota exceeded for ${overs.join(', ')}: Requested ${delta[r]}, but already used ${used[r]} of ${quota[r]} ${overs.join(', ')}`,
  );
}

export function checkMetadataQuota(svc: ComputeService, projectId: string, count: number): void {
  const limit = svc.store.quotaOf(projectId).metadata_items;
  if (limit >= 0 && count > limit)
    throw forbidden(
      `Quota exceeded for metadata_items: Requested ${count}, but already used 0 of ${limit} metadata_items`,
    );
}

export function checkKeypairQuota(svc: ComputeService, projectId: string, userId: string): void {
  const limit = svc.store.quotaOf(projectId).key_pairs;
  let count = 0;
  for (const k of svc.store.keypairs.values()) if (k.userId === userId) count++;
  if (limit >= 0 && count + 1 > limit) throw forbidden('Quota exceeded, too many key pairs.');
}
