import type { HaEvacuation, HaHost, HaMigration, SchedulingPolicyRecord } from '../../domain/entities';
import { fenceTargetOf, fencingView, type FencingConfig } from '../../domain/ha/fencing';
import { policyOf } from '../../domain/ha/policy';
import { utilisation } from '../../domain/scheduling/capacity';
import type { SchedulingPolicy } from '../../domain/scheduling/types';
import type { Schemas } from '../../openapi/types';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** A host as the API shows it; its fencing shows the driver and address only, never a credential or its reference. */
export function hostView(h: HaHost, policy: SchedulingPolicy, fencing?: FencingConfig): Schemas['HaHost'] {
  const known = h.vcpus != null && h.memoryMb != null;
  return {
    hostname: h.hostname,
    state: h.state,
    up: h.up ?? null,
    enabled: h.enabled ?? null,
    vcpus: h.vcpus ?? null,
    memoryMb: h.memoryMb ?? null,
    usedVcpus: h.usedVcpus ?? null,
    usedMemoryMb: h.usedMemoryMb ?? null,
    runningVms: h.runningVms ?? null,
    load: known
      ? Math.round(
          utilisation(
            {
              name: h.hostname,
              schedulable: true,
              vcpus: h.vcpus!,
              memoryMb: h.memoryMb!,
              usedVcpus: h.usedVcpus ?? 0,
              usedMemoryMb: h.usedMemoryMb ?? 0,
              servers: h.runningVms ?? 0,
            },
            policy,
          ).load * 1000,
        ) / 1000
      : null,
    lastSeenAt: iso(h.lastSeenAt),
    failedAt: iso(h.failedAt),
    fencedAt: iso(h.fencedAt),
    evacuationId: h.evacuationId ?? null,
    fencing: fencingView(fenceTargetOf(fencing, h.hostname)),
    note: h.note ?? null,
    updatedAt: h.updatedAt.toISOString(),
  };
}

export function migrationView(m: HaMigration): Schemas['HaMigration'] {
  return {
    id: m.id,
    serverId: m.serverId,
    workflowId: m.workflowId,
    reason: m.reason,
    sourceHost: m.sourceHost ?? null,
    targetHost: m.targetHost ?? null,
    status: m.status,
    error: m.error ?? null,
    requestedBy: m.requestedBy ?? null,
    startedAt: m.startedAt.toISOString(),
    finishedAt: iso(m.finishedAt),
  };
}

export function evacuationView(e: HaEvacuation): Schemas['HaEvacuation'] {
  return {
    id: e.id,
    hostname: e.hostname,
    workflowId: e.workflowId,
    status: e.status,
    trigger: e.trigger,
    failedAt: e.failedAt.toISOString(),
    startedAt: e.startedAt.toISOString(),
    fencedAt: iso(e.fencedAt),
    finishedAt: iso(e.finishedAt),
    recoveryMs: e.recoveryMs ?? null,
    totalServers: e.totalServers,
    evacuatedServers: e.evacuatedServers,
    items: e.items,
  };
}

export function policyView(row: SchedulingPolicyRecord | null): Schemas['SchedulingPolicy'] {
  return { ...policyOf(row), updatedBy: row?.updatedBy ?? null, updatedAt: iso(row?.updatedAt) };
}
