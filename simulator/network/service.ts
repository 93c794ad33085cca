/**
 * Neutron state and the entry points other simulator services call (no HTTP):
 *
 *   createServerPort({ caller, networkId, serverId, hostId?, fixedIp?, securityGroups? }) → PortRecord
 *       Nova `--nic net-id=...[,v4-fixed-ip=...]`: a port bound to the server (device_owner compute:nova).
 *       Errors: 404 NetworkNotFound, 409 IpAddressGenerationFailure / IpAddressAlreadyAllocated, 409 OverQuota.
 *   bindPort(caller, portId, serverId, hostId) → PortRecord        Nova `--nic port-id=...` / interface attach.
 *       Errors: 404 PortNotFound, 409 PortInUse when bound to another device.
 *   unbindPort(portId) → void                                      detach a pre-existing port (kept, status DOWN).
 *   moveServerPorts(serverId, hostId) → void                       migration: rebind every port of the server.
 *   deleteServerPorts(serverId) → void    server delete: ports Nova created are deleted, pre-existing ones unbound.
 *   serverAddresses(serverId) → Nova `addresses` ({ <netname>: [{ version, addr, OS-EXT-IPS:type, OS-EXT-IPS-MAC:mac_addr }] }),
 *       fixed addresses followed by the floating IPs associated with them.
 *   serverPorts(serverId) → PortRecord[]                           for os-interface.
 *   getNetwork(caller, id) / findNetwork(caller, idOrName) → NetworkRecord (404 NetworkNotFound).
 *   createPortForDevice({ caller, networkId | subnetId, deviceId, deviceOwner, name }) → PortRecord    Octavia VIPs.
 *   deletePortById(portId) → void
 *
 * HTTP-facing operations live in networks.ts, subnets.ts, ports.ts, routers.ts, floating-ips.ts,
 * security-groups.ts, qos.ts, quotas.ts, tags.ts; they all work on `store`.
 */
import type { Persistable, SimCloud } from '../core/cloud';
import { neutronError } from '../core/errors';
import { notFound } from './errors';
import type { Caller, NetworkRecord, NovaAddress, PortRecord } from './model';
import { addPort, refreshBinding, removePort } from './ports';
import { NetworkStore } from './store';
import { refillSet } from '../core/collections';

export interface ServerPortRequest {
  caller: Caller;
  networkId: string;
  serverId: string;
  hostId?: string;
  fixedIp?: string;
  securityGroups?: string[];
}

export interface DevicePortRequest {
  caller: Caller;
  networkId?: string;
  subnetId?: string;
  ipAddress?: string;
  deviceId: string;
  deviceOwner: string;
  name?: string;
}

export class NetworkService implements Persistable {
  readonly store: NetworkStore;
  /** Ports Nova created for a server (deleted with it), as opposed to ports the user passed in. */
  private readonly novaCreated = new Set<string>();

  constructor(readonly cloud: SimCloud) {
    this.store = new NetworkStore(cloud);
  }

  getNetwork(caller: Caller, id: string): NetworkRecord {
    return this.store.get(this.store.networks, 'Network', caller, id);
  }

  findNetwork(caller: Caller, idOrName: string): NetworkRecord {
    const byId = this.store.networks.get(idOrName);
    if (byId && this.store.canSee(caller, byId)) return byId;
    const byName = this.store.visible(caller, this.store.networks).filter((n) => n.name === idOrName);
    if (byName.length === 1) return byName[0];
    throw notFound('Network', idOrName);
  }

  getPort(caller: Caller, id: string): PortRecord {
    return this.store.get(this.store.ports, 'Port', caller, id);
  }

  createServerPort(req: ServerPortRequest): PortRecord {
    const net = this.store.portNetwork(req.caller, req.networkId);
    this.store.checkQuota(req.caller.projectId, 'port');
    const groups = req.securityGroups?.map((g) => this.resolveGroup(req.caller, g));
    const port = addPort(this.store, {
      network: net,
      projectId: req.caller.projectId,
      fixedIps: req.fixedIp ? [{ ip_address: req.fixedIp }] : undefined,
      deviceId: req.serverId,
      deviceOwner: 'compute:nova',
      hostId: req.hostId,
      securityGroups: groups,
    });
    this.novaCreated.add(port.id);
    return port;
  }

  /** A security group the caller sees, by id or (in his project) by name, as neutronclient's find_resourceid_by_name_or_id does. */
  findGroup(caller: Caller, idOrName: string): string | undefined {
    const groups = this.store.visible(caller, this.store.securityGroups);
    return (
      groups.find((x) => x.id === idOrName) ??
      groups.find((x) => x.name === idOrName && x.project_id === caller.projectId)
    )?.id;
  }

  private resolveGroup(caller: Caller, idOrName: string): string {
    const id = this.findGroup(caller, idOrName);
    if (!id) throw notFound('SecurityGroup', idOrName);
    return id;
  }

  bindPort(caller: Caller, portId: string, serverId: string, hostId: string): PortRecord {
    const port = this.store.getOwned(this.store.ports, 'Port', caller, portId);
    if (port.device_id && port.device_id !== serverId) {
      throw neutronError(
        409,
        'PortInUse',
        `Unable to complete operation on port ${portId} for network ${port.network_id}. Port already has an attached device ${port.device_id}.`,
      );
    }
    port.device_id = serverId;
    port.device_owner = 'compute:nova';
    port['binding:host_id'] = hostId;
    refreshBinding(port);
    this.store.touch(port);
    return port;
  }

  unbindPort(portId: string): void {
    const port = this.store.ports.get(portId);
    if (!port) return;
    port.device_id = '';
    port.device_owner = '';
    port['binding:host_id'] = '';
    refreshBinding(port);
    this.store.touch(port);
  }

  serverPorts(serverId: string): PortRecord[] {
    return this.store.portsOf((p) => p.device_id === serverId && p.device_owner.startsWith('compute:'));
  }

  moveServerPorts(serverId: string, hostId: string): void {
    for (const p of this.serverPorts(serverId)) {
      p['binding:host_id'] = hostId;
      refreshBinding(p);
      this.store.touch(p);
    }
  }

  deleteServerPorts(serverId: string): void {
    for (const p of this.serverPorts(serverId)) {
      if (this.novaCreated.has(p.id)) this.deletePortById(p.id);
      else this.unbindPort(p.id);
    }
  }

  deletePortById(portId: string): void {
    removePort(this.store, portId);
    this.novaCreated.delete(portId);
  }

  serverAddresses(serverId: string): Record<string, NovaAddress[]> {
    const out: Record<string, NovaAddress[]> = {};
    for (const port of this.serverPorts(serverId)) {
      const net = this.store.networks.get(port.network_id);
      const list = (out[net?.name ?? port.network_id] ??= []);
      for (const f of port.fixed_ips) {
        list.push({
          version: 4,
          addr: f.ip_address,
          'OS-EXT-IPS:type': 'fixed',
          'OS-EXT-IPS-MAC:mac_addr': port.mac_address,
        });
      }
      for (const fip of this.store.floatingips.values()) {
        if (fip.port_id === port.id) {
          list.push({
            version: 4,
            addr: fip.floating_ip_address,
            'OS-EXT-IPS:type': 'floating',
            'OS-EXT-IPS-MAC:mac_addr': port.mac_address,
          });
        }
      }
    }
    return out;
  }

  createPortForDevice(req: DevicePortRequest): PortRecord {
    let networkId = req.networkId;
    if (req.subnetId) {
      const subnet = this.store.get(this.store.subnets, 'Subnet', req.caller, req.subnetId);
      networkId = subnet.network_id;
    }
    if (!networkId) throw notFound('Network', '');
    const net = this.getNetwork(req.caller, networkId);
    const fixed =
      req.subnetId || req.ipAddress
        ? [
            {
              ...(req.subnetId ? { subnet_id: req.subnetId } : {}),
              ...(req.ipAddress ? { ip_address: req.ipAddress } : {}),
            },
          ]
        : undefined;
    return addPort(this.store, {
      network: net,
      projectId: req.caller.projectId,
      name: req.name,
      fixedIps: fixed,
      deviceId: req.deviceId,
      deviceOwner: req.deviceOwner,
      portSecurity: false,
    });
  }

  snapshot(): unknown {
    return { ...this.store.snapshot(), novaCreated: [...this.novaCreated] };
  }

  restore(data: unknown): void {
    this.store.restore(data);
    refillSet(this.novaCreated, (data as { novaCreated?: string[] }).novaCreated);
  }
}
