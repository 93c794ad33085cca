import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Orm } from '../../domain/db/orm';
import { CloudResource } from '../../domain/entities';
import type { LbListenerSpec, LoadBalancerItemSpec } from '../../domain/orders/items';
import { lbSizes } from '../../domain/orders/items';
import type { FirewallRule } from '../../domain/operate/firewall';
import { createResourceRecordActivities } from '../db/resources';
import { createBandwidthActivities, type BandwidthTarget } from './bandwidth';
import { openCloud } from './cloud';
import type { ProvisionCloudSettings } from './provision-settings';
import { isNotFound, OpenStackFailureType, withFailureTypes } from './errors';
import { deletePolicyGroup, ensurePolicyGroup, setGroupOnServer, syncPolicyRules } from './firewall';
import { describeLoadBalancer, ensureListenerTree, ensureMember, waitLbActive, type LbMemberTarget } from './lb-tree';
import { findNetwork } from './provision-network';
import { recordCreated } from './provision-records';
import type { ProvisionRef } from './provision-types';

/** A priced bandwidth limit as the record keeps it (metering rates it from here). */
export interface BandwidthRecord {
  egressMbps: number | null;
  ingressMbps: number | null;
  productId: string | null;
  hourlyPrice: number;
  monthlyPrice: number;
  since: string;
}

/** One change of a tenant product (bandwidth, load balancer, firewall policy) on its record. */
export type ProductChange =
  | {
      op: 'bandwidth';
      bandwidth: BandwidthRecord;
      /** An operator's isolation limit (Kbit/s) kept in a direction the tenant leaves unlimited. */
      operatorKbps?: { egress?: number | null; ingress?: number | null };
    }
  | { op: 'lb_add_member'; listenerId: string; port: number; member: LbMemberTarget }
  | { op: 'lb_remove_member'; memberId: string }
  | { op: 'lb_add_listener'; listener: LbListenerSpec; members: LbMemberTarget[] }
  | { op: 'lb_remove_listener'; listenerId: string }
  | { op: 'lb_delete' }
  | { op: 'fw_create' }
  | { op: 'fw_rules'; rules: FirewallRule[] }
  | { op: 'fw_apply'; instanceId: string; serverId: string }
  | { op: 'fw_unapply'; instanceId: string; serverId: string }
  | { op: 'fw_delete' };

export interface LbProvisionInput extends ProvisionRef {
  spec: LoadBalancerItemSpec;
}

const kbps = (mbps: number | null) => (mbps == null ? null : mbps * 1000);
/** What Neutron enforces in a direction: the tenant's limit under the operator's, else whichever is set. */
const effective = (tenant: number | null, operator: number | null | undefined) =>
  tenant == null ? (operator ?? null) : operator == null ? tenant : Math.min(tenant, operator);

/**
 * Tenant products over OpenStack on `cmp-openstack`: a load balancer's provisioning for an order,
 * and later changes of a bandwidth limit, a load balancer or a firewall policy. Each acts in the
 * tenant's project, converges when run again, and writes what the cloud then holds on the record.
 */
export function createProductActivities(orm: Orm, settings: ProvisionCloudSettings | undefined) {
  const cloud = openCloud(settings, 'tenant products');
  const bandwidth = createBandwidthActivities(cloud);
  const records = createResourceRecordActivities(orm);

  async function update(resourceId: string, fn: (r: CloudResource) => void): Promise<CloudResource> {
    const em = orm.em.fork();
    const r = await em.findOneOrFail(CloudResource, { id: resourceId });
    fn(r);
    await em.flush();
    return r;
  }

  /** Applies the limits in QoS and keeps them, priced, on the record with the history of changes. */
  async function setBandwidth(
    r: CloudResource,
    projectId: string,
    bw: BandwidthRecord,
    operatorKbps: { egress?: number | null; ingress?: number | null } = {},
  ) {
    const target: BandwidthTarget =
      r.kind === 'server'
        ? { kind: 'server', serverId: r.openstackId! }
        : { kind: 'floating_ip', floatingIpId: r.openstackId! };
    const state = await bandwidth.applyBandwidth({
      projectId,
      target,
      egressKbps: effective(kbps(bw.egressMbps), operatorKbps.egress),
      ingressKbps: effective(kbps(bw.ingressMbps), operatorKbps.ingress),
    });
    const done = await update(r.id, (x) => {
      const before = (x.spec.bandwidth as BandwidthRecord | undefined) ?? null;
      if (before && before.since === bw.since) return;
      const history = (x.spec.bandwidthChanges as unknown[] | undefined) ?? [];
      x.spec = { ...x.spec, bandwidth: bw, bandwidthChanges: [...history, { at: bw.since, from: before, to: bw }] };
      x.attributes = { ...x.attributes, qosPolicyId: state.policyId, bandwidthRules: state.rules };
    });
    return done.attributes;
  }

  async function poolOfListener(projectId: string, lbId: string, listenerId: string) {
    const c = cloud.tenant(projectId);
    const pool = (await c.loadBalancer.listPools({ loadbalancer_id: lbId })).find((p) =>
      p.listeners.some((l) => l.id === listenerId),
    );
    if (!pool)
      throw ApplicationFailure.nonRetryable(`listener ${listenerId} has no pool`, OpenStackFailureType.NotFound);
    return pool;
  }

  async function changeLoadBalancer(r: CloudResource, projectId: string, change: ProductChange): Promise<void> {
    const c = cloud.tenant(projectId);
    const lbId = r.openstackId!;
    switch (change.op) {
      case 'lb_add_member': {
        const pool = await poolOfListener(projectId, lbId, change.listenerId);
        await ensureMember(c, lbId, pool.id, change.port, change.member);
        return;
      }
      case 'lb_remove_member': {
        for (const pool of await c.loadBalancer.listPools({ loadbalancer_id: lbId })) {
          if (!(await c.loadBalancer.listMembers(pool.id)).some((m) => m.id === change.memberId)) continue;
          await c.loadBalancer.deleteMember(pool.id, change.memberId);
          await waitLbActive(c, lbId);
          return;
        }
        throw ApplicationFailure.nonRetryable(`member ${change.memberId} not found`, OpenStackFailureType.NotFound);
      }
      case 'lb_add_listener':
        await ensureListenerTree(c, lbId, r.id, change.listener, change.members);
        await update(r.id, (x) => {
          const specs = (x.spec.listeners as LbListenerSpec[] | undefined) ?? [];
          x.spec = { ...x.spec, listeners: [...specs.filter((l) => l.port !== change.listener.port), change.listener] };
        });
        return;
      case 'lb_remove_listener': {
        const pools = await c.loadBalancer.listPools({ loadbalancer_id: lbId });
        for (const p of pools.filter((x) => x.listeners.some((l) => l.id === change.listenerId))) {
          await c.loadBalancer.deletePool(p.id);
          await waitLbActive(c, lbId);
        }
        const gone = (r.attributes.listeners as Array<{ id: string; port: number }> | undefined)?.find(
          (l) => l.id === change.listenerId,
        );
        await c.loadBalancer.deleteListener(change.listenerId);
        await waitLbActive(c, lbId);
        if (gone)
          await update(r.id, (x) => {
            const specs = (x.spec.listeners as LbListenerSpec[] | undefined) ?? [];
            x.spec = { ...x.spec, listeners: specs.filter((l) => l.port !== gone.port) };
          });
        return;
      }
      default:
        throw new Error(`not a load balancer change: ${change.op}`);
    }
  }

  async function changeFirewall(r: CloudResource, projectId: string, change: ProductChange): Promise<void> {
    const c = cloud.tenant(projectId);
    const applied = (r.attributes.servers as Array<{ instanceId: string; serverId: string }> | undefined) ?? [];
    switch (change.op) {
      case 'fw_create': {
        const groupId = await ensurePolicyGroup(c, `cmp:${r.id}`, r.name);
        const ruleIds = await syncPolicyRules(c, groupId, r.spec.rules as FirewallRule[]);
        await update(r.id, (x) => {
          x.openstackId = groupId;
          x.status = 'active';
          x.attributes = { ...x.attributes, securityGroupId: groupId, ruleIds, servers: applied };
        });
        return;
      }
      case 'fw_rules': {
        const ruleIds = await syncPolicyRules(c, r.openstackId!, change.rules);
        await update(r.id, (x) => {
          x.spec = { ...x.spec, rules: change.rules };
          x.attributes = { ...x.attributes, ruleIds };
        });
        return;
      }
      case 'fw_apply':
      case 'fw_unapply': {
        const on = change.op === 'fw_apply';
        const portIds = await setGroupOnServer(c, change.serverId, r.openstackId!, on);
        await update(r.id, (x) => {
          const rest = applied.filter((s) => s.instanceId !== change.instanceId);
          x.attributes = {
            ...x.attributes,
            servers: on ? [...rest, { instanceId: change.instanceId, serverId: change.serverId, portIds }] : rest,
          };
        });
        return;
      }
      case 'fw_delete': {
        for (const s of applied) {
          try {
            await setGroupOnServer(c, s.serverId, r.openstackId!, false);
          } catch (e) {
            if (!isNotFound(e)) throw e;
          }
        }
        if (r.openstackId) await deletePolicyGroup(c, r.openstackId);
        await records.markResourceDeleted({ resourceId: r.id });
        return;
      }
      default:
        throw new Error(`not a firewall change: ${change.op}`);
    }
  }

  return withFailureTypes({
    /** Provisioning: the bandwidth an order chose for its server or floating IP, on the record made for it. */
    async applyRecordBandwidth(input: {
      kind: 'server' | 'floating_ip';
      openstackId: string;
      projectId: string;
      bandwidth: BandwidthRecord;
    }): Promise<Record<string, unknown>> {
      const r = await orm.em.fork().findOneOrFail(CloudResource, { kind: input.kind, openstackId: input.openstackId });
      return setBandwidth(r, input.projectId, input.bandwidth);
    },

    /** The order item's load balancer with its listeners, pools, members and monitors; answers its id and VIP. */
    async provisionLoadBalancer(
      input: LbProvisionInput,
    ): Promise<{ loadBalancerId: string; vipPortId: string; vipAddress: string }> {
      const c = cloud.tenant(input.projectId);
      const spec = input.spec;
      let lb = (await c.loadBalancer.listLoadBalancers({ description: input.tag }))[0];
      if (!lb) {
        const net = await findNetwork(c, spec.networkId ?? (cloud.account as ProvisionCloudSettings).defaultNetwork);
        lb = await c.loadBalancer.createLoadBalancer({
          name: spec.name,
          description: input.tag,
          vip_network_id: net.id,
        });
      }
      const size = spec.size ?? 'small';
      await recordCreated(orm, input, 'load_balancer', lb.id, spec.name, {
        size,
        connections: lbSizes[size],
        networkId: lb.vip_network_id,
        listeners: spec.listeners,
        floatingIp: spec.floatingIp ?? false,
        quota: {},
      });
      await waitLbActive(c, lb.id, 300_000);
      const addresses = spec.memberAddresses ?? {};
      for (const l of spec.listeners) {
        const members = l.pool.members
          .filter((id) => addresses[id])
          .map((id) => ({
            instanceId: id,
            address: addresses[id]!.address,
            subnetId: addresses[id]!.subnetId ?? null,
          }));
        await ensureListenerTree(c, lb.id, input.tag, l, members);
        Context.current().heartbeat();
      }
      return { loadBalancerId: lb.id, vipPortId: lb.vip_port_id, vipAddress: lb.vip_address };
    },

    /** What the cloud holds of a load balancer now (members' health included), kept on its record. */
    async refreshLoadBalancerRecord(
      input: { resourceId: string; projectId: string } | { openstackId: string; projectId: string },
    ): Promise<Record<string, unknown>> {
      const em = orm.em.fork();
      const r = await em.findOneOrFail(
        CloudResource,
        'resourceId' in input ? { id: input.resourceId } : { kind: 'load_balancer', openstackId: input.openstackId },
      );
      const attributes = await describeLoadBalancer(cloud.tenant(input.projectId), r.openstackId!);
      r.attributes = { ...r.attributes, ...attributes };
      r.osStatus = String(attributes.provisioningStatus);
      await em.flush();
      return attributes;
    },

    /** One change of a product; answers the record's attributes afterwards. */
    async changeProduct(input: {
      resourceId: string;
      projectId: string;
      change: ProductChange;
    }): Promise<Record<string, unknown>> {
      const r = await orm.em.fork().findOneOrFail(CloudResource, { id: input.resourceId });
      const { change, projectId } = input;
      if (change.op === 'bandwidth') return setBandwidth(r, projectId, change.bandwidth, change.operatorKbps);
      if (change.op === 'lb_delete') {
        const c = cloud.tenant(projectId);
        try {
          await c.loadBalancer.deleteLoadBalancer(r.openstackId!, true);
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
        for (;;) {
          try {
            await c.loadBalancer.getLoadBalancer(r.openstackId!);
          } catch (e) {
            if (isNotFound(e)) break;
            throw e;
          }
          Context.current().heartbeat();
          await new Promise((res) => setTimeout(res, 200));
        }
        await records.markResourceDeleted({ resourceId: r.id });
        // The address ordered on the VIP goes with it.
        const fips = r.orderItemId
          ? await orm.em
              .fork()
              .find(CloudResource, { orderItemId: r.orderItemId, kind: 'floating_ip', status: { $ne: 'deleted' } })
          : [];
        for (const f of fips) {
          try {
            await c.network.deleteFloatingIp(f.openstackId!);
          } catch (e) {
            if (!isNotFound(e)) throw e;
          }
          await records.markResourceDeleted({ resourceId: f.id });
        }
        return {};
      }
      if (change.op.startsWith('lb_')) {
        await changeLoadBalancer(r, projectId, change);
        const attributes = await describeLoadBalancer(cloud.tenant(projectId), r.openstackId!);
        return (await update(r.id, (x) => (x.attributes = { ...x.attributes, ...attributes }))).attributes;
      }
      await changeFirewall(r, projectId, change);
      return (await orm.em.fork().findOne(CloudResource, { id: r.id }))?.attributes ?? {};
    },
  });
}

export type ProductActivities = ReturnType<typeof createProductActivities>;
