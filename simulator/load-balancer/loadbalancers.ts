import { SimHttpError } from '../core/errors';
import { bool, str, tags, unwrap } from './body';
import { octaviaError, validationFailure } from './errors';
import type { Caller, LoadBalancerRecord } from './model';
import type { LoadBalancerService } from './service';

const createAttrs = [
  'name',
  'description',
  'admin_state_up',
  'vip_address',
  'vip_port_id',
  'vip_subnet_id',
  'vip_network_id',
  'vip_qos_policy_id',
  'project_id',
  'tenant_id',
  'provider',
  'flavor_id',
  'availability_zone',
  'tags',
  'listeners',
  'pools',
  'additional_vips',
  'vip_sg_ids',
] as const;
const updateAttrs = ['name', 'description', 'admin_state_up', 'vip_qos_policy_id', 'tags'] as const;

/** Allocates the VIP port on Neutron; Neutron's 404/409 become Octavia's 400 validation failures. */
function allocateVip(svc: LoadBalancerService, caller: Caller, lbId: string, b: Record<string, unknown>) {
  const network = svc.cloud.service('network');
  const subnetId = str(b, 'vip_subnet_id');
  const networkId = str(b, 'vip_network_id');
  const portId = str(b, 'vip_port_id');
  if (!subnetId && !networkId && !portId)
    throw validationFailure('VIP must contain one of: vip_port_id, vip_network_id, vip_subnet_id.');
  try {
    if (portId) {
      const port = network.getPort(caller, portId);
      if (port.device_id) throw validationFailure(`Port ${portId} already has a device_id.`);
      port.device_id = `lb-${lbId}`;
      port.device_owner = 'Octavia';
      return port;
    }
    return network.createPortForDevice({
      caller,
      networkId,
      subnetId,
      ipAddress: str(b, 'vip_address'),
      deviceId: `lb-${lbId}`,
      deviceOwner: 'Octavia',
      name: `octavia-lb-${lbId}`,
    });
  } catch (e) {
    if (e instanceof SimHttpError && (e.body as { NeutronError?: { message: string } }).NeutronError) {
      const msg = (e.body as { NeutronError: { message: string } }).NeutronError.message;
      throw e.status === 409 ? octaviaError(409, msg) : validationFailure(msg);
    }
    throw e;
  }
}

export function createLoadBalancer(svc: LoadBalancerService, caller: Caller, raw: unknown): LoadBalancerRecord {
  const b = unwrap(raw, 'loadbalancer', createAttrs);
  if (b.listeners !== undefined || b.pools !== undefined)
    throw octaviaError(
      400,
      'Validation failure: single-call creation of a full load balancer tree is not supported by this simulator.',
    );
  const provider = str(b, 'provider') ?? 'amphora';
  if (!['amphora', 'octavia', 'ovn'].includes(provider))
    throw octaviaError(400, `Provider '${provider}' is not enabled.`);
  const owner =
    caller.isAdmin && typeof (b.project_id ?? b.tenant_id) === 'string'
      ? String(b.project_id ?? b.tenant_id)
      : caller.projectId;
  const id = svc.cloud.newId();
  const name = str(b, 'name') ?? '';
  const adminUp = bool(b, 'admin_state_up') ?? true;
  const lbTags = tags(b) ?? [];
  const port = allocateVip(svc, { ...caller, projectId: owner }, id, b);
  const lb: LoadBalancerRecord = {
    id,
    name,
    description: str(b, 'description') ?? '',
    project_id: owner,
    provisioning_status: 'PENDING_CREATE',
    operating_status: 'OFFLINE',
    admin_state_up: adminUp,
    created_at: svc.now(),
    updated_at: null,
    tags: lbTags,
    vip_address: port.fixed_ips[0]?.ip_address ?? '',
    vip_port_id: port.id,
    vip_subnet_id: port.fixed_ips[0]?.subnet_id ?? '',
    vip_network_id: port.network_id,
    vip_qos_policy_id: str(b, 'vip_qos_policy_id') ?? null,
    provider,
    flavor_id: str(b, 'flavor_id') ?? null,
    availability_zone: str(b, 'availability_zone') ?? null,
  };
  svc.loadbalancers.set(id, lb);
  svc.cloud.later(svc.cloud.options.actionMs, () => {
    if (lb.provisioning_status !== 'PENDING_CREATE') return;
    lb.provisioning_status = 'ACTIVE';
    lb.operating_status = lb.admin_state_up ? 'ONLINE' : 'OFFLINE';
    lb.updated_at = svc.now();
  });
  return lb;
}

export function updateLoadBalancer(
  svc: LoadBalancerService,
  caller: Caller,
  id: string,
  raw: unknown,
): LoadBalancerRecord {
  const lb = svc.lb(caller, id);
  const b = unwrap(raw, 'loadbalancer', updateAttrs);
  const name = str(b, 'name');
  const description = str(b, 'description');
  const up = bool(b, 'admin_state_up');
  const newTags = tags(b);
  svc.lockForChange(lb);
  if (name !== undefined) lb.name = name;
  if (description !== undefined) lb.description = description;
  if (up !== undefined) lb.admin_state_up = up;
  if (newTags !== undefined) lb.tags = newTags;
  if (b.vip_qos_policy_id !== undefined) lb.vip_qos_policy_id = str(b, 'vip_qos_policy_id') ?? null;
  svc.settle(lb);
  return lb;
}

/** Without `cascade`, a load balancer with listeners or pools is refused (400), as in Octavia. */
export function deleteLoadBalancer(svc: LoadBalancerService, caller: Caller, id: string, cascade: boolean): void {
  const lb = svc.lb(caller, id);
  const listeners = [...svc.listeners.values()].filter((l) => l.loadbalancer_id === id);
  const pools = [...svc.pools.values()].filter((p) => p.loadbalancer_id === id);
  if (!cascade && (listeners.length || pools.length))
    throw octaviaError(400, `Cannot delete Load Balancer ${id} - it has children`);
  if (lb.provisioning_status !== 'ACTIVE' && lb.provisioning_status !== 'ERROR')
    throw octaviaError(409, `Invalid state ${lb.provisioning_status} of loadbalancer resource ${id}`);
  lb.provisioning_status = 'PENDING_DELETE';
  const children = [...listeners, ...pools];
  for (const c of children) c.provisioning_status = 'PENDING_DELETE';
  svc.changed();
  svc.cloud.later(svc.cloud.options.actionMs, () => {
    for (const p of pools) {
      for (const m of [...svc.members.values()]) if (m.pool_id === p.id) svc.members.delete(m.id);
      if (p.healthmonitor_id) svc.healthmonitors.delete(p.healthmonitor_id);
      svc.pools.delete(p.id);
    }
    for (const l of listeners) svc.listeners.delete(l.id);
    svc.loadbalancers.delete(id);
    svc.cloud.services.network?.deletePortById(lb.vip_port_id);
    svc.changed();
  });
}

export function failoverLoadBalancer(svc: LoadBalancerService, caller: Caller, id: string): void {
  const lb = svc.lb(caller, id);
  if (!caller.isAdmin) throw octaviaError(403, 'Policy does not allow this request to be performed.');
  svc.lockForChange(lb);
  svc.settle(lb);
}
