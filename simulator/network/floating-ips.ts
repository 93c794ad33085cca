import { neutronError } from '../core/errors';
import { optNullableString, optString, resourceBody } from './body';
import { badRequest, badResourceRequest, notFound } from './errors';
import type { Caller, FloatingIpRecord } from './model';
import { addPort, removePort } from './ports';
import { interfacePorts } from './routers';
import type { NetworkStore } from './store';

const createAttrs = [
  'floating_network_id',
  'floating_ip_address',
  'subnet_id',
  'port_id',
  'fixed_ip_address',
  'description',
  'project_id',
  'tenant_id',
  'qos_policy_id',
  'dns_name',
  'dns_domain',
  'tags',
] as const;
const updateAttrs = ['port_id', 'fixed_ip_address', 'description', 'qos_policy_id'] as const;

/** The floating IP with `port_details` of its associated port, as Neutron shows it. */
export function renderFloatingIp(store: NetworkStore, fip: FloatingIpRecord): Record<string, unknown> {
  // Floating IPs have no name; the record keeps one only because every record does.
  const { fip_port_id: _internal, name: _name, ...rest } = fip;
  const port = fip.port_id ? store.ports.get(fip.port_id) : undefined;
  const port_details = port
    ? {
        name: port.name,
        network_id: port.network_id,
        mac_address: port.mac_address,
        admin_state_up: port.admin_state_up,
        status: port.status,
        device_id: port.device_id,
        device_owner: port.device_owner,
      }
    : null;
  return {
    ...rest,
    port_details,
    qos_network_policy_id: port ? (store.networks.get(port.network_id)?.qos_policy_id ?? null) : null,
  };
}

/** Finds the router joining the port's subnet to the floating network, or throws ExternalGatewayForFloatingIPNotFound. */
function associate(
  store: NetworkStore,
  caller: Caller,
  fip: FloatingIpRecord,
  portId: string,
  fixedIp: string | undefined,
): void {
  const port = store.getOwned(store.ports, 'Port', caller, portId);
  const v4 = port.fixed_ips;
  if (!v4.length) throw badResourceRequest('floatingip', `Port ${portId} does not have any fixed IPs`);
  let fixed = v4[0];
  if (fixedIp !== undefined) {
    const f = v4.find((x) => x.ip_address === fixedIp);
    if (!f) throw badResourceRequest('floatingip', `Port ${portId} does not have fixed ip ${fixedIp}`);
    fixed = f;
  } else if (v4.length > 1) {
    throw badResourceRequest(
      'floatingip',
      `Port ${portId} has multiple fixed IPv4 addresses.  Must provide a specific IPv4 address when assigning a floating IP`,
    );
  }
  const router = [...store.routers.values()].find(
    (r) =>
      r.external_gateway_info?.network_id === fip.floating_network_id &&
      interfacePorts(store, r.id).some((p) => p.fixed_ips.some((x) => x.subnet_id === fixed.subnet_id)),
  );
  if (!router) {
    throw neutronError(
      404,
      'ExternalGatewayForFloatingIPNotFound',
      `External network ${fip.floating_network_id} is not reachable from subnet ${fixed.subnet_id}.  Therefore, cannot associate Port ${portId} with a Floating IP.`,
    );
  }
  const other = [...store.floatingips.values()].find(
    (f) =>
      f.id !== fip.id &&
      f.port_id === portId &&
      f.fixed_ip_address === fixed.ip_address &&
      f.floating_network_id === fip.floating_network_id,
  );
  if (other) {
    throw neutronError(
      409,
      'FloatingIPPortAlreadyAssociated',
      `Cannot associate floating IP ${fip.floating_ip_address} (${fip.id}) with port ${portId} using fixed IP ${fixed.ip_address}, as that fixed IP already has a floating IP on external network ${fip.floating_network_id}.`,
    );
  }
  fip.port_id = portId;
  fip.fixed_ip_address = fixed.ip_address;
  fip.router_id = router.id;
  fip.status = 'ACTIVE';
}

function disassociate(fip: FloatingIpRecord): void {
  fip.port_id = null;
  fip.fixed_ip_address = null;
  fip.router_id = null;
  fip.status = 'DOWN';
}

export function createFloatingIp(store: NetworkStore, caller: Caller, raw: unknown): FloatingIpRecord {
  const b = resourceBody(raw, 'floatingip', createAttrs);
  const netId = optString(b, 'floating_network_id');
  if (!netId) throw badRequest("Failed to parse request. Required attribute 'floating_network_id' not specified");
  const net = store.networks.get(netId);
  if (!net || !store.canSee(caller, net)) throw notFound('Network', netId);
  if (!net['router:external'])
    throw badResourceRequest('floatingip', `Network ${netId} is not a valid external network`);
  const owner = store.ownerFor(caller, b);
  store.checkQuota(owner, 'floatingip');
  const address = optString(b, 'floating_ip_address');
  const subnetId = optString(b, 'subnet_id');
  const requested =
    address || subnetId
      ? [{ ...(subnetId ? { subnet_id: subnetId } : {}), ...(address ? { ip_address: address } : {}) }]
      : undefined;
  const base = store.base(caller, b);
  const fipPort = addPort(store, {
    network: net,
    projectId: '',
    fixedIps: requested,
    deviceId: base.id,
    deviceOwner: 'network:floatingip',
  });
  const fip: FloatingIpRecord = {
    ...base,
    floating_network_id: netId,
    floating_ip_address: fipPort.fixed_ips[0].ip_address,
    fixed_ip_address: null,
    port_id: null,
    router_id: null,
    status: 'DOWN',
    qos_policy_id: optNullableString(b, 'qos_policy_id') ?? null,
    port_forwardings: [],
    fip_port_id: fipPort.id,
  };
  const portId = optNullableString(b, 'port_id');
  try {
    if (portId) associate(store, caller, fip, portId, optString(b, 'fixed_ip_address'));
  } catch (e) {
    removePort(store, fipPort.id);
    throw e;
  }
  store.floatingips.set(fip.id, fip);
  return fip;
}

export function updateFloatingIp(store: NetworkStore, caller: Caller, id: string, raw: unknown): FloatingIpRecord {
  const fip = store.getOwned(store.floatingips, 'FloatingIP', caller, id);
  const b = resourceBody(raw, 'floatingip', updateAttrs);
  fip.description = optString(b, 'description') ?? fip.description;
  if (b.qos_policy_id !== undefined) fip.qos_policy_id = optNullableString(b, 'qos_policy_id') ?? null;
  if (b.port_id !== undefined) {
    const portId = optNullableString(b, 'port_id');
    if (portId) associate(store, caller, fip, portId, optString(b, 'fixed_ip_address'));
    else disassociate(fip);
  }
  store.touch(fip);
  return fip;
}

export function deleteFloatingIp(store: NetworkStore, caller: Caller, id: string): void {
  const fip = store.getOwned(store.floatingips, 'FloatingIP', caller, id);
  removePort(store, fip.fip_port_id);
  store.floatingips.delete(id);
}
