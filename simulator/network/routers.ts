import { neutronError } from '../core/errors';
import { optBool, optList, optObject, optString, resourceBody } from './body';
import { badRequest, badResourceRequest, notFound } from './errors';
import { cidrsOverlap, parseCidr } from './ipv4';
import { cidrs6Overlap, parseCidr6 } from './ipv6';
import type { RequestedIp } from './ip-allocation';
import type { Caller, ExternalGatewayInfo, PortRecord, RouterRecord } from './model';
import { addPort, removePort } from './ports';
import type { NetworkStore } from './store';

const createAttrs = [
  'name',
  'description',
  'admin_state_up',
  'external_gateway_info',
  'distributed',
  'ha',
  'availability_zone_hints',
  'flavor_id',
  'project_id',
  'tenant_id',
  'tags',
  'enable_ndp_proxy',
] as const;
const updateAttrs = [
  'name',
  'description',
  'admin_state_up',
  'external_gateway_info',
  'routes',
  'distributed',
  'ha',
  'enable_ndp_proxy',
] as const;

export function interfacePorts(store: NetworkStore, routerId: string): PortRecord[] {
  return store.portsOf((p) => p.device_id === routerId && p.device_owner === 'network:router_interface');
}

function fipsUsingRouter(store: NetworkStore, routerId: string) {
  return [...store.floatingips.values()].filter((f) => f.router_id === routerId);
}

function setGateway(
  store: NetworkStore,
  caller: Caller,
  router: RouterRecord,
  info: Record<string, unknown> | null,
): void {
  const current = router.external_gateway_info;
  const wantsNone = info === null || !info.network_id;
  if (current && (wantsNone || info!.network_id !== current.network_id)) {
    if (fipsUsingRouter(store, router.id).length) {
      throw neutronError(
        409,
        'RouterExternalGatewayInUseByFloatingIp',
        `Gateway cannot be updated for router ${router.id}, since a gateway to external network ${current.network_id} is required by one or more floating IPs.`,
      );
    }
    for (const p of store.portsOf((x) => x.device_id === router.id && x.device_owner === 'network:router_gateway'))
      removePort(store, p.id);
    router.external_gateway_info = null;
  }
  if (wantsNone) return;
  const netId = String(info!.network_id);
  const net = store.networks.get(netId);
  if (!net || !store.canSee(caller, net)) throw notFound('Network', netId);
  if (!net['router:external']) throw badResourceRequest('router', `Network ${netId} is not an external network`);
  const enableSnat = optBool(info!, 'enable_snat') ?? true;
  if (current && current.network_id === netId && info!.external_fixed_ips === undefined) {
    current.enable_snat = enableSnat;
    return;
  }
  for (const p of store.portsOf((x) => x.device_id === router.id && x.device_owner === 'network:router_gateway'))
    removePort(store, p.id);
  const port = addPort(store, {
    network: net,
    projectId: '',
    fixedIps: optList<RequestedIp>(info!, 'external_fixed_ips'),
    deviceId: router.id,
    deviceOwner: 'network:router_gateway',
  });
  const gw: ExternalGatewayInfo = {
    network_id: netId,
    enable_snat: enableSnat,
    external_fixed_ips: port.fixed_ips.map((f) => ({ ...f })),
  };
  router.external_gateway_info = gw;
}

export function createRouter(store: NetworkStore, caller: Caller, raw: unknown): RouterRecord {
  const b = resourceBody(raw, 'router', createAttrs);
  const base = store.base(caller, b);
  optString(b, 'name');
  store.checkQuota(base.project_id, 'router');
  const router: RouterRecord = {
    ...base,
    admin_state_up: optBool(b, 'admin_state_up') ?? true,
    status: 'ACTIVE',
    external_gateway_info: null,
    routes: [],
    distributed: optBool(b, 'distributed') ?? false,
    ha: optBool(b, 'ha') ?? false,
    availability_zones: ['nova'],
    availability_zone_hints: (optList<string>(b, 'availability_zone_hints') ?? []).map(String),
    flavor_id: null,
  };
  const gw = optObject(b, 'external_gateway_info');
  if (gw) setGateway(store, caller, router, gw);
  store.routers.set(router.id, router);
  return router;
}

export function updateRouter(store: NetworkStore, caller: Caller, id: string, raw: unknown): RouterRecord {
  const router = store.getOwned(store.routers, 'Router', caller, id);
  const b = resourceBody(raw, 'router', updateAttrs);
  router.name = optString(b, 'name') ?? router.name;
  router.description = optString(b, 'description') ?? router.description;
  router.admin_state_up = optBool(b, 'admin_state_up') ?? router.admin_state_up;
  if (b.external_gateway_info !== undefined)
    setGateway(store, caller, router, optObject(b, 'external_gateway_info') ?? null);
  const routes = optList<{ destination: string; nexthop: string }>(b, 'routes');
  if (routes) {
    for (const r of routes)
      if (!r || !parseCidr(String(r.destination)))
        throw badRequest(
          `Invalid input for routes. Reason: Invalid data format for hostroute: '${JSON.stringify(r)}'.`,
        );
    router.routes = routes.map((r) => ({ destination: r.destination, nexthop: r.nexthop }));
  }
  store.touch(router);
  return router;
}

export function deleteRouter(store: NetworkStore, caller: Caller, id: string): void {
  const router = store.getOwned(store.routers, 'Router', caller, id);
  if (interfacePorts(store, id).length) throw neutronError(409, 'RouterInUse', `Router ${id} still has ports`);
  setGateway(store, caller, router, null);
  store.routers.delete(id);
}

export interface RouterInterfaceInfo {
  id: string;
  tenant_id: string;
  project_id: string;
  port_id: string;
  network_id: string;
  subnet_id: string;
  subnet_ids: string[];
}

function interfaceInfo(router: RouterRecord, port: PortRecord): RouterInterfaceInfo {
  return {
    id: router.id,
    tenant_id: router.project_id,
    project_id: router.project_id,
    port_id: port.id,
    network_id: port.network_id,
    subnet_id: port.fixed_ips[0]?.subnet_id ?? '',
    subnet_ids: port.fixed_ips.map((f) => f.subnet_id),
  };
}

function interfaceBody(raw: unknown): { subnetId?: string; portId?: string } {
  if (!raw || typeof raw !== 'object') throw badRequest('Resource body required');
  const b = raw as Record<string, unknown>;
  const subnetId = typeof b.subnet_id === 'string' ? b.subnet_id : undefined;
  const portId = typeof b.port_id === 'string' ? b.port_id : undefined;
  if (subnetId && portId) throw badResourceRequest('router', 'Cannot specify both subnet-id and port-id');
  if (!subnetId && !portId) throw badResourceRequest('router', 'Either subnet_id or port_id must be specified');
  return { subnetId, portId };
}

function checkNoOverlap(store: NetworkStore, router: RouterRecord, subnetIds: string[]): void {
  for (const p of interfacePorts(store, router.id)) {
    for (const f of p.fixed_ips) {
      for (const sid of subnetIds) {
        if (f.subnet_id === sid) throw badResourceRequest('router', `Router already has a port on subnet ${sid}`);
        const a = store.subnets.get(f.subnet_id),
          b = store.subnets.get(sid);
        const ca = a && parseCidr(a.cidr),
          cb = b && parseCidr(b.cidr);
        const c6a = a?.ip_version === 6 ? parseCidr6(a.cidr) : undefined,
          c6b = b?.ip_version === 6 ? parseCidr6(b.cidr) : undefined;
        if (a && b && ((ca && cb && cidrsOverlap(ca, cb)) || (c6a && c6b && cidrs6Overlap(c6a, c6b)))) {
          throw badResourceRequest(
            'router',
            `Cidr ${b.cidr} of subnet ${sid} overlaps with cidr ${a.cidr} of subnet ${a.id}`,
          );
        }
      }
    }
  }
}

export function addRouterInterface(store: NetworkStore, caller: Caller, id: string, raw: unknown): RouterInterfaceInfo {
  const router = store.getOwned(store.routers, 'Router', caller, id);
  const { subnetId, portId } = interfaceBody(raw);
  if (portId) {
    const port = store.getOwned(store.ports, 'Port', caller, portId);
    if (port.device_id) {
      throw neutronError(
        409,
        'PortInUse',
        `Unable to complete operation on port ${portId} for network ${port.network_id}. Port already has an attached device ${port.device_id}.`,
      );
    }
    if (!port.fixed_ips.length) throw badResourceRequest('router', 'Router port must have at least one fixed IP');
    checkNoOverlap(
      store,
      router,
      port.fixed_ips.map((f) => f.subnet_id),
    );
    port.device_id = router.id;
    port.device_owner = 'network:router_interface';
    port.security_groups = [];
    port.status = 'ACTIVE';
    store.touch(port);
    store.touch(router);
    return interfaceInfo(router, port);
  }
  const subnet = store.get(store.subnets, 'Subnet', caller, subnetId!);
  if (!subnet.gateway_ip) throw badResourceRequest('router', `Subnet ${subnet.id} does not have a gateway IP`);
  checkNoOverlap(store, router, [subnet.id]);
  const port = addPort(store, {
    network: store.networks.get(subnet.network_id)!,
    projectId: router.project_id,
    fixedIps: [{ subnet_id: subnet.id, ip_address: subnet.gateway_ip }],
    deviceId: router.id,
    deviceOwner: 'network:router_interface',
  });
  store.touch(router);
  return interfaceInfo(router, port);
}

export function removeRouterInterface(
  store: NetworkStore,
  caller: Caller,
  id: string,
  raw: unknown,
): RouterInterfaceInfo {
  const router = store.getOwned(store.routers, 'Router', caller, id);
  const { subnetId, portId } = interfaceBody(raw);
  const ports = interfacePorts(store, id);
  const port = portId
    ? ports.find((p) => p.id === portId)
    : ports.find((p) => p.fixed_ips.some((f) => f.subnet_id === subnetId));
  if (!port) {
    if (portId)
      throw neutronError(404, 'RouterInterfaceNotFound', `Router ${id} does not have an interface with id ${portId}`);
    store.get(store.subnets, 'Subnet', caller, subnetId!);
    throw neutronError(404, 'RouterInterfaceNotFoundForSubnet', `Router ${id} has no interface on subnet ${subnetId}`);
  }
  const subnets = port.fixed_ips.map((f) => f.subnet_id);
  const usedByFip = [...store.floatingips.values()].some((f) => {
    if (f.router_id !== id || !f.port_id) return false;
    const p = store.ports.get(f.port_id);
    return !!p && p.fixed_ips.some((x) => subnets.includes(x.subnet_id));
  });
  if (usedByFip) {
    throw neutronError(
      409,
      'RouterInterfaceInUseByFloatingIP',
      `Router interface for subnet ${subnets[0]} on router ${id} cannot be deleted, as it is required by one or more floating IPs.`,
    );
  }
  const info = interfaceInfo(router, port);
  removePort(store, port.id);
  store.touch(router);
  return info;
}
