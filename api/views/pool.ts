import type { ComputeService, HostAggregate, AvailabilityZone } from '../../activities/openstack/compute';
import type { BackendPoolStats, VolumeType } from '../../activities/openstack/block-storage';
import type { Network, Subnet } from '../../activities/openstack/network';
import type { Schemas } from '../../openapi/types';
import type { IpPoolUsage } from '../services/ip-pools';

const num = (v: unknown) => (typeof v === 'number' ? v : Number.isFinite(Number(v)) ? Number(v) : null);

export function aggregateView(a: HostAggregate): Schemas['PoolAggregate'] {
  const { availability_zone: _az, ...metadata } = a.metadata ?? {};
  return {
    id: a.id,
    uuid: a.uuid ?? null,
    name: a.name,
    availabilityZone: a.availability_zone ?? null,
    hosts: a.hosts ?? [],
    metadata,
    createdAt: a.created_at,
    updatedAt: a.updated_at ?? null,
  };
}

/** A zone with its compute hosts (the detail view's nova-compute entries). */
export function zoneView(z: AvailabilityZone): Schemas['PoolZone'] {
  return {
    name: z.zoneName,
    available: z.zoneState.available,
    hosts: Object.entries(z.hosts ?? {})
      .filter(([, services]) => 'nova-compute' in services)
      .map(([host]) => host)
      .sort(),
  };
}

export function volumePoolView(p: BackendPoolStats): Schemas['PoolVolumePool'] {
  const cap: NonNullable<BackendPoolStats['capabilities']> = p.capabilities ?? {
    total_capacity_gb: 0,
    free_capacity_gb: 0,
  };
  return {
    name: p.name,
    backend: cap.volume_backend_name ?? null,
    poolName: cap.pool_name ?? null,
    totalCapacityGb: num(cap.total_capacity_gb),
    freeCapacityGb: num(cap.free_capacity_gb),
    allocatedCapacityGb: num(cap.allocated_capacity_gb),
    reservedPercentage: cap.reserved_percentage ?? null,
    storageProtocol: cap.storage_protocol ?? null,
    updatedAt: cap.updated ?? null,
  };
}

export function volumeTypeView(t: VolumeType): Schemas['PoolVolumeType'] {
  const extraSpecs = t.extra_specs ?? {};
  return {
    id: t.id,
    name: t.name,
    description: t.description ?? null,
    isPublic: t['os-volume-type-access:is_public'] ?? t.is_public,
    backend: extraSpecs.volume_backend_name ?? null,
    extraSpecs,
  };
}

export function providerNetworkView(n: Network): Schemas['PoolNetwork'] {
  return {
    id: n.id,
    name: n.name,
    projectId: n.project_id,
    status: n.status,
    networkType: n['provider:network_type'] ?? null,
    physicalNetwork: n['provider:physical_network'] ?? null,
    segmentationId: n['provider:segmentation_id'] ?? null,
    external: n['router:external'] === true,
    shared: n.shared,
    subnets: n.subnets,
  };
}

export function ipPoolView(s: Subnet, usage: IpPoolUsage): Schemas['PoolIpPool'] {
  return {
    id: s.id,
    networkId: s.network_id,
    name: s.name,
    cidr: s.cidr,
    gatewayIp: s.gateway_ip ?? null,
    allocationPools: (s.allocation_pools ?? []).map((p) => ({ start: p.start, end: p.end })),
    ...usage,
  };
}

export function serviceView(s: ComputeService): Schemas['PoolComputeService'] {
  return {
    host: s.host,
    zone: s.zone,
    status: s.status,
    state: s.state,
    disabledReason: s.disabled_reason ?? null,
    forcedDown: s.forced_down === true,
  };
}
