import type { Persistable, SimCloud } from '../core/cloud';
import { notFound, overQuota } from './errors';
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
  quotas: Array<[string, Partial<NeutronQuota>]>;
}

/** Every Neutron object of the cloud, plus the checks all resources share (visibility, quota). */
export class NetworkStore implements Persistable {
  networks = new Map<string, NetworkRecord>();
  subnets = new Map<string, SubnetRecord>();
  ports = new Map<string, PortRecord>();
  routers = new Map<string, RouterRecord>();
  floatingips = new Map<string, FloatingIpRecord>();
  securityGroups = new Map<string, SecurityGroupRecord>();
  securityGroupRules = new Map<string, SecurityGroupRuleRecord>();
  qosPolicies = new Map<string, QosPolicyRecord>();
  quotas = new Map<string, Partial<NeutronQuota>>();

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

  get<T extends { project_id: string; shared?: boolean }>(map: Map<string, T>, kind: string, caller: Caller, id: string): T {
    const rec = map.get(id);
    if (!rec || !this.canSee(caller, rec)) throw notFound(kind, id);
    return rec;
  }

  getOwned<T extends { project_id: string; shared?: boolean }>(map: Map<string, T>, kind: string, caller: Caller, id: string): T {
    const rec = map.get(id);
    if (!rec || !this.canModify(caller, rec)) throw notFound(kind, id);
    return rec;
  }

  quotaOf(projectId: string): NeutronQuota {
    return { ...defaultQuota, ...this.quotas.get(projectId) };
  }

  usage(projectId: string): Record<keyof NeutronQuota, number> {
    const count = (m: Map<string, { project_id: string }>) => [...m.values()].filter((r) => r.project_id === projectId).length;
    return {
      network: count(this.networks),
      subnet: count(this.subnets),
      port: count(this.ports),
      router: count(this.routers),
      floatingip: count(this.floatingips),
      security_group: count(this.securityGroups),
      security_group_rule: count(this.securityGroupRules),
      rbac_policy: 0,
      subnetpool: 0,
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
      quotas: [...this.quotas.entries()],
    };
  }

  restore(data: unknown): void {
    const s = data as NetworkSnapshot;
    const byId = <T extends { id: string }>(xs: T[] | undefined) => new Map((xs ?? []).map((x) => [x.id, x]));
    this.networks = byId(s.networks);
    this.subnets = byId(s.subnets);
    this.ports = byId(s.ports);
    this.routers = byId(s.routers);
    this.floatingips = byId(s.floatingips);
    this.securityGroups = byId(s.securityGroups);
    this.securityGroupRules = byId(s.securityGroupRules);
    this.qosPolicies = byId(s.qosPolicies);
    this.quotas = new Map(s.quotas ?? []);
  }
}
