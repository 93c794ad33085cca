/**
 * The provisioning steps of tenant products inside `provision-<itemId>`: an order's load balancer
 * (with a floating IP on its VIP) and the bandwidth limit a server or floating IP was ordered with.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ProductActivities } from '../activities/openstack/products';
import type { ProvisionActivities, ProvisionRef } from '../activities/openstack/provision-types';
import type { CloudResourceKind } from '../domain/entities/cloud-resource';
import type { BandwidthPrice, BandwidthSpec, LoadBalancerItemSpec } from '../domain/orders/items';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

type Step = <T>(name: string, fn: () => Promise<T>) => Promise<T>;
type Created = (kind: CloudResourceKind, openstackId: string) => void;

function products() {
  return proxyActivities<ProductActivities>({
    taskQueue: queuesOf(workflowInfo().taskQueue).openstack,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '30 seconds',
    retry: retryPresets.openstack,
  });
}

/** The ordered bandwidth on the server's ports or the floating IP, recorded with its price. */
export async function provisionBandwidth(
  step: Step,
  ref: ProvisionRef,
  target: { kind: 'server' | 'floating_ip'; openstackId: string },
  spec: { bandwidth?: BandwidthSpec | null; bandwidthPrice?: BandwidthPrice | null },
): Promise<void> {
  if (!spec.bandwidth) return;
  const bw = spec.bandwidth;
  await step('bandwidth', () =>
    products().applyRecordBandwidth({
      ...target,
      projectId: ref.projectId,
      bandwidth: {
        egressMbps: bw.egressMbps ?? null,
        ingressMbps: bw.ingressMbps ?? null,
        productId: spec.bandwidthPrice?.productId ?? null,
        hourlyPrice: spec.bandwidthPrice?.hourlyPrice ?? 0,
        monthlyPrice: spec.bandwidthPrice?.monthlyPrice ?? 0,
        since: new Date(workflowInfo().startTime).toISOString(),
      },
    }),
  );
}

export async function provisionLoadBalancerItem(
  spec: LoadBalancerItemSpec,
  ref: ProvisionRef,
  step: Step,
  created: Created,
): Promise<Record<string, unknown>> {
  const quick = proxyActivities<ProvisionActivities>({
    taskQueue: queuesOf(workflowInfo().taskQueue).openstack,
    startToCloseTimeout: '1 minute',
    retry: retryPresets.openstack,
  });
  const lb = await step('load balancer', () => products().provisionLoadBalancer({ ...ref, spec }));
  created('load_balancer', lb.loadBalancerId);
  let floating: { floatingIpId: string; address: string } | null = null;
  if (spec.floatingIp) {
    floating = await step('floating ip', () =>
      quick.ensureFloatingIp({ ...ref, portId: lb.vipPortId, quota: { floatingIps: 1 } }),
    );
    created('floating_ip', floating.floatingIpId);
  }
  const attributes = { [lb.loadBalancerId]: { floatingIp: floating?.address ?? null } };
  await step('record', () => quick.activateItemResources({ itemId: ref.itemId, projectId: ref.projectId, attributes }));
  const described = await step('describe', () =>
    products().refreshLoadBalancerRecord({ projectId: ref.projectId, openstackId: lb.loadBalancerId }),
  );
  return {
    loadBalancerId: lb.loadBalancerId,
    vipAddress: lb.vipAddress,
    floatingIpId: floating?.floatingIpId ?? null,
    floatingIp: floating?.address ?? null,
    listeners: described.listeners,
  };
}
