import type { Persistable, SimCloud } from '../core/cloud';
import { notFound, overQuota, resourceNotFound } from './errors';
import { refill, refillById } from '../core/collections';
import {
  defaultQuota,
  type Caller,
  type FloatingIpRecord,
  type NetworkRecord,
  type NeutronQuota,
  type OwnedRecord,
  type PortRecord,
  type QosPolicyRecord,
  type RouterRecord,
  type SecurityGroupRecord,
  type SecurityGroupRuleRecord,
  type SubnetPoolRecord,
  type SubnetRecord,
} from './model';

interface NetworkSnapshot {
  networks: NetworkRecord[];
  subnets: SubnetRecord[];
  ports: PortRecord[];
  routers: RouterRecord[];
  floatingips: FloatingIpRecord[];
  securityGroups: SecurityGroupRecord[];
  securityGroupRules: SecurityGroupRuleRecord[];
  qosPolicies: QosPolicyRecord[];
  subnetPools?: SubnetPoolRecord[];
  quotas: Array<[string, Partial<NeutronQuota>]>;
}

/** Every Neutron object of the cloud, plus the checks all resources share (visibility, quota). */
export class NetworkStore implements Persistable {
  readonly networks = new Map<string, NetworkRecord>();
  readonly subnets = new Map<string, SubnetRecord>();
  readonly ports = new Map<string, PortRecord>();
  readonly routers = new Map<string, RouterRecord>();
  readonly floatingips = new Map<string, FloatingIpRecord>();
  readonly securityGroups = new Map<string, SecurityGroupRecord>();
  readonly securityGroupRules = new Map<string, SecurityGroupRuleRecord>();
  readonly qosPolicies = new Map<string, QosPolicyRecord>();
  readonly subnetPools = new Map<string, SubnetPoolRecord>();
  readonly quotas = new Map<string, Partial<NeutronQuota>>();

  constructor(readonly cloud: SimCloud) {}

  /** Fields every owned record starts with. */
  base(caller: Caller, body: Record<string, unknown>): OwnedRecord {
    const owner = this.ownerFor(caller, body);
    const now = this.cloud.isoNow();
    return {
      id: this.cloud.newId(),
      name: typeof body.name === 'string' ? body.name : '',
      description: typeof body.description === 'string' ? body.description : '',
      project_id: owner,
      tenant_id: owner,
      tags: [],
      created_at: now,
      updated_at: now,
      revision_number: 0,
    };
  }

  /** Admins may create on behalf of another project with `project_id`/`tenant_id`. */
  ownerFor(caller: Caller, body: Record<string, unknown>): string {
    const asked = (body.project_id ?? body.tenant_id) as string | undefined;
    if (caller.isAdmin && typeof asked === 'string' && asked) return asked;
    return caller.projectId;
  }

  touch(rec: { updated_at: string; revision_number: number }): void {
    rec.updated_at = this.cloud.isoNow();
    rec.revision_number += 1;
  }

  /** Own, shared and external objects are visible; a subnet follows its network. */
  canSee(caller: Caller, rec: { project_id: string; shared?: boolean }): boolean {
    if (caller.isAdmin || rec.project_id === caller.projectId || rec.shared === true) return true;
    if ((rec as Partial<NetworkRecord>)['router:external'] === true) return true;
    const netId = (rec as Partial<SubnetRecord>).network_id;
    if (netId && 'cidr' in rec) {
      const net = this.networks.get(netId);
      return !!net && (net.shared || net['router:external']);
    }
    return false;
  }

  /** Changing an object needs ownership (or admin); others get the same 404 as for a missing one. */
  canModify(caller: Caller, rec: { project_id: string }): boolean {
    return caller.isAdmin || rec.project_id === caller.projectId;
  }

  visible<T extends { project_id: string; shared?: boolean }>(caller: Caller, map: Map<string, T>): T[] {
    return [...map.values()].filter((r) => this.canSee(caller, r));
  }

  get<T extends { project_id: string; shared?: boolean }>(
    map: Map<string, T>,
    kind: string,
    caller: Caller,
    id: string,
  ): T {
    const rec = map.get(id);
    if (!rec || !this.canSee(caller, rec)) throw notFound(kind, id);
    return rec;
  }

  getOwned<T extends { project_id: string; shared?: boolean }>(
    map: Map<string, T>,
    kind: string,
    caller: Caller,
    id: string,
  ): T {
    const rec = map.get(id);
    if (!rec || !this.canModify(caller, rec)) throw notFound(kind, id);
    return rec;
  }

  /**
   * A network a port may be put on: one the caller sees (else NetworkNotFound) that is his own or
   * shared; another project's external network is visible but refused with a 404, as Neutron's
   * `_validate_network_tenant_ownership` does. Admins may use any.
   */
  portNetwork(caller: Caller, id: string): NetworkRecord {
    const net = this.get(this.networks, 'Network', caller, id);
    if (!caller.isAdmin && !net.shared && net.project_id !== caller.projectId) throw resourceNotFound();
    return net;
  }

  quotaOf(projectId: string): NeutronQuota {
    return { ...defaultQuota, ...this.quotas.get(projectId) };
  }

  usage(projectId: string): Record<keyof NeutronQuota, number> {
    const count = (m: Map<string, { project_id: string }>) =>
      [...m.values()].filter((r) => r.project_id === projectId).length;
    return {
      network: count(this.networks),
      subnet: count(this.subnets),
      port: count(this.ports),
      router: count(this.routers),
      floatingip: count(this.floatingips),
      security_group: count(this.securityGroups),
      security_group_rule: count(this.securityGroupRules),
      rbac_policy: 0,
      subnetpool: count(this.subnetPools),
    };
  }

  /** Throws Neutron's 409 OverQuota when `projectId` may not own one more `resource`. */
  checkQuota(projectId: string, resource: keyof NeutronQuota, adding = 1): void {
    const limit = this.quotaOf(projectId)[resource];
    if (limit >= 0 && this.usage(projectId)[resource] + adding > limit) throw overQuota(resource);
  }

  portsOf(filter: (p: PortRecord) => boolean): PortRecord[] {
    return [...this.ports.values()].filter(filter);
  }

  snapshot(): NetworkSnapshot {
    return {
      networks: [...this.networks.values()],
      subnets: [...this.subnets.values()],
      ports: [...this.ports.values()],
      routers: [...this.routers.values()],
      floatingips: [...this.floatingips.values()],
      securityGroups: [...this.securityGroups.values()],
      securityGroupRules: [...this.securityGroupRules.values()],
      qosPolicies: [...this.qosPolicies.values()],
      subnetPools: [...this.subnetPools.values()],
      quotas: [...this.quotas.entries()],
    };
  }

  restore(data: unknown): void {
    const s = data as NetworkSnapshot;
    refillById(this.networks, s.networks);
    refillById(this.subnets, s.subnets);
    refillById(this.ports, s.ports);
    refillById(this.routers, s.routers);
    refillById(this.floatingips, s.floatingips);
    refillById(this.securityGroups, s.securityGroups);
    refillById(this.securityGroupRules, s.securityGroupRules);
    refillById(this.qosPolicies, s.qosPolicies);
    refillById(this.subnetPools, s.subnetPools);
    refill(this.quotas, s.quotas ?? []);
  }
}
