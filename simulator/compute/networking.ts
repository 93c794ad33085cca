import { randomBytes } from 'node:crypto';
import type { SimCloud } from '../core/cloud';
import { SimHttpError } from '../core/errors';
import type { Server, ServerPort } from './model';
import { ensureDefaultGroup } from '../network/security-groups';
import { badRequest, conflict, forbidden, notFound } from './errors';

export interface NicRequest {
  networkId?: string;
  portId?: string;
  fixedIp?: string;
  tag?: string;
}

export type NovaAddresses = Record<
  string,
  Array<{ version: 4 | 6; addr: string; 'OS-EXT-IPS:type': string; 'OS-EXT-IPS-MAC:mac_addr': string }>
>;

type Caller = { projectId: string; isAdmin: boolean };

/** Id of the network used when no Neutron module is installed. */
export const LOCAL_NETWORK = { id: '3b4f6a1e-0000-4000-8000-00000000c0de', name: 'private' };

/**
 * Nova's side of Neutron: allocating, binding and releasing a server's ports through the network
 * module's service API, or, when no network module is installed, ports kept only in Nova's records.
 */
export class ComputeNetworking {
  private localSeq = 0;

  constructor(private readonly cloud: SimCloud) {}

  private get neutron() {
    return this.cloud.services.network;
  }

  /** Resolves `networks` of a create request: a list, 'auto' or 'none' (or absent before 2.37). */
  resolveRequests(caller: Caller, networks: NicRequest[] | 'auto' | 'none' | undefined): NicRequest[] {
    if (networks === 'none') return [];
    if (Array.isArray(networks) && networks.length > 0) return networks;
    if (!this.neutron) return [{ networkId: LOCAL_NETWORK.id }];
    const candidates = this.neutron.store
      .visible(caller, this.neutron.store.networks)
      .filter((n) => !n['router:external']);
    if (candidates.length === 0) {
      if (networks === 'auto')
        throw conflict('Unable to automatically allocate a network for project ' + caller.projectId);
      return [];
    }
    const own = candidates.filter((n) => n.project_id === caller.projectId);
    const pick = own.length > 0 ? own : candidates;
    if (pick.length > 1 && networks !== 'auto')
      throw conflict('Multiple possible networks found, use a Network ID to be more specific.');
    return [{ networkId: pick[0].id }];
  }

  /**
   * Checks networks and ports exist and are usable before the server is created (API-time errors).
   * A missing one is a 400 at boot and a 404 when attaching an interface, as Nova answers.
   */
  validate(caller: Caller, nics: NicRequest[], missing: (m: string) => SimHttpError = badRequest): void {
    const n = this.neutron;
    for (const nic of nics) {
      if (nic.portId) {
        if (!n) continue;
        const port = n.store.ports.get(nic.portId);
        if (!port || !n.store.canModify(caller, port)) throw missing(`Port id ${nic.portId} could not be found.`);
        if (port.device_id) throw conflict(`Port ${nic.portId} is still in use.`);
      } else if (nic.networkId) {
        if (!n) {
          if (nic.networkId !== LOCAL_NETWORK.id) throw missing(`Network ${nic.networkId} could not be found.`);
          continue;
        }
        const net = n.store.networks.get(nic.networkId);
        if (!net || !n.store.canSee(caller, net)) throw missing(`Network ${nic.networkId} could not be found.`);
        // network:attach_external_network is admin-only in Nova's default policy.
        if (net['router:external'] && !net.shared && !caller.isAdmin)
          throw forbidden(`It is not allowed to create an interface on external network ${net.id}`);
      }
    }
  }

  /**
   * Nova resolves the requested security groups through Neutron with the caller's token before the
   * build (`default` always resolves: Neutron makes it on first use); another project's group is not found.
   */
  validateGroups(caller: Caller, groups: string[]): void {
    const n = this.neutron;
    if (!n) return;
    for (const g of groups)
      if (g !== 'default' && !n.findGroup(caller, g))
        throw badRequest(`Unable to find security_group with name or id '${g}'`);
  }

  /**
   * addSecurityGroup (nova.network.security_group_api.add_to_instance): the group, by name or id as the
   * caller sees it, is added to every port of the server; a server without ports cannot take one.
   */
  addGroup(caller: Caller, server: Server, name: string): void {
    const n = this.neutron;
    if (n) {
      if (name === 'default') ensureDefaultGroup(n.store, caller.projectId);
      const id = n.findGroup(caller, name);
      if (!id) throw notFound(`Security group ${name} is not found for project ${caller.projectId}`);
      const ports = n.serverPorts(server.id);
      if (!ports.length) throw notFound(`instance_id ${server.id} could not be found as device id on any ports`);
      if (ports.some((p) => !p.port_security_enabled || !p.fixed_ips.length))
        throw badRequest(
          'Network requires port_security_enabled and subnet associated in order to apply security groups.',
        );
      for (const p of ports) if (!p.security_groups.includes(id)) p.security_groups = [...p.security_groups, id];
    }
    if (!server.securityGroups.includes(name)) server.securityGroups.push(name);
  }

  /** removeSecurityGroup (remove_from_instance): the group leaves every port of the server that has it. */
  removeGroup(caller: Caller, server: Server, name: string): void {
    const n = this.neutron;
    const notAssociated = () => badRequest(`Security group ${name} not associated with the instance ${server.id}`);
    if (n) {
      if (name === 'default') ensureDefaultGroup(n.store, caller.projectId);
      const id = n.findGroup(caller, name);
      if (!id) throw notFound(`Security group ${name} is not found for project ${caller.projectId}`);
      if (!n.serverPorts(server.id).length)
        throw notFound(`instance_id ${server.id} could not be found as device id on any ports`);
      const ports = n.serverPorts(server.id).filter((p) => p.security_groups.includes(id));
      if (!ports.length) throw notAssociated();
      for (const p of ports) p.security_groups = p.security_groups.filter((g) => g !== id);
    } else if (!server.securityGroups.includes(name)) throw notAssociated();
    server.securityGroups = server.securityGroups.filter((g) => g !== name);
  }

  /** Creates or binds the ports; Neutron errors become Nova's 400/409 wording where Nova translates them. */
  allocate(caller: Caller, server: Server, nics: NicRequest[]): ServerPort[] {
    const out: ServerPort[] = [];
    try {
      for (const nic of nics) out.push(this.allocateOne(caller, server, nic));
    } catch (e) {
      for (const p of out) this.releaseOne(p);
      throw translate(e);
    }
    return out;
  }

  private allocateOne(caller: Caller, server: Server, nic: NicRequest): ServerPort {
    const n = this.neutron;
    const host = server.host ?? '';
    if (!n) {
      const seq = ++this.localSeq;
      return {
        portId: this.cloud.newId(),
        networkId: LOCAL_NETWORK.id,
        networkName: LOCAL_NETWORK.name,
        mac: 'fa:16:3e:' + randomBytes(3).toString('hex').match(/../g)!.join(':'),
        ips: [{ addr: nic.fixedIp ?? `10.${(seq >> 16) & 255}.${(seq >> 8) & 255}.${seq & 255}`, version: 4 }],
        createdByNova: true,
        tag: nic.tag,
      };
    }
    const port = nic.portId
      ? n.bindPort(caller, nic.portId, server.id, host)
      : n.createServerPort({
          caller,
          networkId: nic.networkId!,
          serverId: server.id,
          hostId: host,
          fixedIp: nic.fixedIp,
          securityGroups: server.securityGroups.filter((g) => g !== 'default').length
            ? server.securityGroups
            : undefined,
        });
    const net = n.store.networks.get(port.network_id);
    return {
      portId: port.id,
      networkId: port.network_id,
      networkName: net?.name ?? port.network_id,
      mac: port.mac_address,
      ips: port.fixed_ips.map((f) => ({ addr: f.ip_address, version: f.ip_address.includes(':') ? 6 : 4 })),
      createdByNova: !nic.portId,
      tag: nic.tag,
    };
  }

  private releaseOne(p: ServerPort): void {
    const n = this.neutron;
    if (!n) return;
    if (p.createdByNova) n.deletePortById(p.portId);
    else n.unbindPort(p.portId);
  }

  /** Server deleted: ports Nova created go, ports the user passed in are unbound. */
  release(server: Server): void {
    for (const p of server.ports) this.releaseOne(p);
  }

  /** Detach one interface. */
  detach(server: Server, portId: string): void {
    const p = server.ports.find((x) => x.portId === portId);
    if (p) this.releaseOne(p);
  }

  /** Attach one more interface (os-interface); Neutron errors are translated like at boot. */
  attach(caller: Caller, server: Server, nic: NicRequest): ServerPort {
    try {
      return this.allocateOne(caller, server, nic);
    } catch (e) {
      const t = translate(e);
      throw t instanceof NetworkAllocationFailed
        ? conflict(`Failed to allocate the network(s) for instance ${server.id}: ${t.message}`)
        : t;
    }
  }

  /** The os-interface view of a server port, from Neutron when it knows the port. */
  interfaceView(p: ServerPort) {
    const live = this.neutron?.store.ports.get(p.portId);
    return {
      port_state: live?.status ?? 'ACTIVE',
      fixed_ips: live
        ? live.fixed_ips.map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address }))
        : p.ips.map((i) => ({ subnet_id: '', ip_address: i.addr })),
      port_id: p.portId,
      net_id: p.networkId,
      mac_addr: live?.mac_address ?? p.mac,
      tag: p.tag ?? null,
    };
  }

  /** Migration/evacuation: ports follow the server to its new host. */
  moveTo(server: Server, host: string): void {
    this.neutron?.moveServerPorts(server.id, host);
  }

  /** Nova's `addresses`: fixed IPs per network name, followed by associated floating IPs. */
  /** `addresses` without the OS-EXT-IPS extensions (the ips API, and update answers before 2.75). */
  plainAddresses(server: Server): Record<string, Array<{ version: 4 | 6; addr: string }>> {
    return Object.fromEntries(
      Object.entries(this.addresses(server)).map(([net, list]) => [
        net,
        list.map(({ version, addr }) => ({ version, addr })),
      ]),
    );
  }

  addresses(server: Server): NovaAddresses {
    const out: NovaAddresses = {};
    const n = this.neutron;
    for (const p of server.ports) {
      const list = (out[p.networkName] ??= []);
      const live = n?.store.ports.get(p.portId);
      const ips = live ? live.fixed_ips.map((f) => f.ip_address) : p.ips.map((i) => i.addr);
      const mac = live?.mac_address ?? p.mac;
      for (const addr of ips)
        list.push({
          version: addr.includes(':') ? 6 : 4,
          addr,
          'OS-EXT-IPS:type': 'fixed',
          'OS-EXT-IPS-MAC:mac_addr': mac,
        });
      if (n && n.store.floatingips.size > 0) {
        for (const fip of n.store.floatingips.values())
          if (fip.port_id === p.portId)
            list.push({
              version: 4,
              addr: fip.floating_ip_address,
              'OS-EXT-IPS:type': 'floating',
              'OS-EXT-IPS-MAC:mac_addr': mac,
            });
      }
    }
    return out;
  }
}

/**
 * A port could not get an address. Nova only learns this on the compute host, so the build
 * fails (server ERROR) instead of the API call.
 */
export class NetworkAllocationFailed extends Error {}

/** Neutron faults surface through Nova's API as Nova faults with Nova's status codes. */
function translate(e: unknown): unknown {
  if (!(e instanceof SimHttpError)) return e;
  const body = e.body as { NeutronError?: { type: string; message: string } };
  const ne = body?.NeutronError;
  if (!ne) return e;
  switch (ne.type) {
    case 'IpAddressGenerationFailure':
      return new NetworkAllocationFailed(ne.message);
    case 'NetworkNotFound':
      return badRequest(ne.message);
    case 'PortNotFound':
      return badRequest(ne.message);
    case 'PortInUse':
      return conflict(ne.message);
    case 'OverQuota':
      return e.status === 409 ? novaForbidden('Maximum number of ports exceeded') : e;
    case 'IpAddressAlreadyAllocated':
    case 'IpAddressInUse':
      return conflict(ne.message);
    default:
      return e.status >= 500 ? e : badRequest(ne.message);
  }
}

const novaForbidden = (m: string) => new SimHttpError(403, { forbidden: { code: 403, message: m } });
