import { bool, int, str, tags, unwrap } from './body';
import { invalidField, octaviaError } from './errors';
import type { Caller, MemberRecord } from './model';
import type { LoadBalancerService } from './service';

const createAttrs = [
  'name',
  'admin_state_up',
  'address',
  'protocol_port',
  'subnet_id',
  'weight',
  'backup',
  'monitor_address',
  'monitor_port',
  'project_id',
  'tenant_id',
  'tags',
  'request_sriov',
  'vnic_type',
] as const;
const updateAttrs = ['name', 'admin_state_up', 'weight', 'backup', 'monitor_address', 'monitor_port', 'tags'] as const;

const ipv4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function createMember(svc: LoadBalancerService, caller: Caller, poolId: string, raw: unknown): MemberRecord {
  const pool = svc.pool(caller, poolId);
  const lb = svc.lb(caller, pool.loadbalancer_id);
  const b = unwrap(raw, 'member', createAttrs);
  const address = str(b, 'address', true)!;
  if (!ipv4.test(address) && !address.includes(':'))
    throw invalidField('address', address, 'Value should be IPv4 or IPv6 format');
  const port = int(b, 'protocol_port', 1, 65535, true)!;
  const subnetId = str(b, 'subnet_id');
  if (subnetId) {
    // Octavia looks the subnet up with the caller's token: another project's private subnet is not found.
    const network = svc.cloud.services.network;
    const subnet = network?.store.subnets.get(subnetId);
    if (network && (!subnet || !network.store.canSee(caller, subnet)))
      throw octaviaError(400, `Validation failure: Subnet ${subnetId} not found.`);
  }
  if (
    [...svc.members.values()].some((m) => m.pool_id === poolId && m.address === address && m.protocol_port === port)
  ) {
    throw octaviaError(409, `Another member on this pool is already using ip ${address} on protocol_port ${port}`);
  }
  const member: MemberRecord = {
    id: svc.cloud.newId(),
    name: str(b, 'name') ?? '',
    description: '',
    project_id: pool.project_id,
    provisioning_status: 'PENDING_CREATE',
    operating_status: 'NO_MONITOR',
    admin_state_up: bool(b, 'admin_state_up') ?? true,
    created_at: svc.now(),
    updated_at: null,
    tags: tags(b) ?? [],
    pool_id: poolId,
    address,
    protocol_port: port,
    subnet_id: subnetId ?? null,
    weight: int(b, 'weight', 0, 256) ?? 1,
    backup: bool(b, 'backup') ?? false,
    monitor_address: str(b, 'monitor_address') ?? null,
    monitor_port: int(b, 'monitor_port', 1, 65535) ?? null,
  };
  svc.startChild(lb, member, 'PENDING_CREATE');
  svc.members.set(member.id, member);
  svc.settle(lb, member);
  return member;
}

export function updateMember(
  svc: LoadBalancerService,
  caller: Caller,
  poolId: string,
  id: string,
  raw: unknown,
): MemberRecord {
  const member = svc.member(caller, poolId, id);
  const lb = svc.lb(caller, svc.pool(caller, poolId).loadbalancer_id);
  const b = unwrap(raw, 'member', updateAttrs);
  const name = str(b, 'name');
  const up = bool(b, 'admin_state_up');
  const weight = int(b, 'weight', 0, 256);
  const backup = bool(b, 'backup');
  const newTags = tags(b);
  svc.startChild(lb, member, 'PENDING_UPDATE');
  if (name !== undefined) member.name = name;
  if (up !== undefined) member.admin_state_up = up;
  if (weight !== undefined) member.weight = weight;
  if (backup !== undefined) member.backup = backup;
  if (newTags !== undefined) member.tags = newTags;
  svc.settle(lb, member);
  return member;
}

export function deleteMember(svc: LoadBalancerService, caller: Caller, poolId: string, id: string): void {
  const member = svc.member(caller, poolId, id);
  const lb = svc.lb(caller, svc.pool(caller, poolId).loadbalancer_id);
  svc.startChild(lb, member, 'PENDING_DELETE');
  svc.settle(lb, member, () => svc.members.delete(id));
}
