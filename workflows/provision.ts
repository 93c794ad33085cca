import { ApplicationFailure, defineQuery, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { ProvisionActivities, ProvisionRef } from '../activities/openstack/provision-types';
import type { CloudResourceKind } from '../domain/entities/cloud-resource';
import type { OrderItemSpec } from '../domain/orders/items';
import { dedicatedOf, serverQuota } from '../domain/orders/items';
import { queuesOf } from '../domain/task-queues';
import { OpenStackFailureType } from '../activities/openstack/errors';
import { retryPresets } from './retry-presets';
import { provisionBandwidth, provisionLoadBalancerItem } from './provision-products';
import { provisionSiteItem } from './site-provision';
import { startSiteMigration } from './site-migrate';
import { recordedStep, type ProvisionStep, type Step } from './steps';

export interface ProvisionInput {
  orderId: string;
  itemId: string;
  tenantId: string;
  attempt: number;
  spec: OrderItemSpec;
  /** Flavor sizing of a server item, resolved from the catalog at submission. */
  flavor?: { name: string; vcpus: number; ramMb: number; diskGb: number } | null;
  activeTimeoutMs: number;
  /** Start-to-close bound of each short cloud call (OrderWorkflowInput.activityTimeoutMs); one minute when absent. */
  activityTimeoutMs?: number;
}

export type { ProvisionStep };

export interface ProvisionResult {
  itemId: string;
  resources: Record<string, unknown>;
}

export const provisionProgressQuery = defineQuery<ProvisionStep[]>('progress');

function cloud(startToClose: Duration, heartbeat?: Duration) {
  return proxyActivities<ProvisionActivities>({
    taskQueue: queuesOf(workflowInfo().taskQueue).openstack,
    startToCloseTimeout: startToClose,
    ...(heartbeat ? { heartbeatTimeout: heartbeat } : {}),
    retry: retryPresets.openstack,
  });
}

/**
 * `provision-<itemId>`: creates one order item in the tenant's project. Every create is tagged with
 * the workflow id and attempt and looked up before it is made again, so a worker dying mid-way and
 * another finishing leaves exactly one of each object. A failure unwinds what this run created
 * (newest first) and fails the workflow with the cause's type and message.
 */
export async function provisionItemWorkflow(input: ProvisionInput): Promise<ProvisionResult> {
  const steps: ProvisionStep[] = [];
  setHandler(provisionProgressQuery, () => steps);
  const quick = cloud(input.activityTimeoutMs ?? '1 minute');
  const compensations: Array<{ kind: CloudResourceKind; openstackId: string }> = [];
  let projectId = '';

  const step = recordedStep(steps);
  const created = (kind: CloudResourceKind, openstackId: string) => compensations.unshift({ kind, openstackId });

  try {
    // A shared-hosting site lives on a shared host, not in the tenant's cloud project; a migration has its own process.
    if (input.spec.kind === 'site' && input.spec.migrate)
      return { itemId: input.itemId, resources: await startSiteMigration(input, step) };
    if (input.spec.kind === 'site' && !dedicatedOf(input.spec))
      return { itemId: input.itemId, resources: await provisionSiteItem(input.spec, step, input.tenantId) };
    ({ projectId } = await step('project', () => quick.ensureTenantProject({ tenantId: input.tenantId })));
    const ref: ProvisionRef = {
      tag: `${workflowInfo().workflowId}.${input.attempt}`,
      orderId: input.orderId,
      itemId: input.itemId,
      tenantId: input.tenantId,
      projectId,
    };
    const resources = await provisionSpec(input, ref, step, created);
    return { itemId: input.itemId, resources };
  } catch (err) {
    for (const c of compensations) {
      const s: ProvisionStep = { name: `undo ${c.kind}`, state: 'running' };
      steps.push(s);
      try {
        await quick.deleteCreated({ projectId, kind: c.kind, openstackId: c.openstackId });
        s.state = 'compensated';
      } catch (undoErr) {
        // The order's rollback (teardownItem) tries again from the records; the cause stays the first failure.
        s.state = 'failed';
        s.detail = ((undoErr as Error).cause as Error | undefined)?.message ?? (undoErr as Error).message;
      }
    }
    const cause = (err as { cause?: ApplicationFailure }).cause;
    const type = cause instanceof ApplicationFailure ? cause.type : (err as ApplicationFailure).type;
    const message = cause instanceof Error ? cause.message : (err as Error).message;
    throw ApplicationFailure.nonRetryable(message, type ?? OpenStackFailureType.ResourceFailed, {
      itemId: input.itemId,
    });
  }
}

type Created = (kind: CloudResourceKind, openstackId: string) => void;

async function provisionSpec(
  input: ProvisionInput,
  ref: ProvisionRef,
  step: Step,
  created: Created,
): Promise<Record<string, unknown>> {
  const quick = cloud(input.activityTimeoutMs ?? '1 minute');
  const waiting = cloud(input.activeTimeoutMs + 60_000, '15 seconds');
  const spec = input.spec;
  switch (spec.kind) {
    case 'server': {
      const flavor = input.flavor!;
      const { flavorId } = await step('flavor', () => quick.ensureFlavor(flavor));
      const port = await step('port', () =>
        quick.ensurePort({
          ...ref,
          networkId: spec.networkId ?? null,
          securityGroupIds: spec.securityGroupIds ?? [],
          fixedIp: spec.fixedIp ?? null,
          macAddress: spec.macAddress ?? null,
        }),
      );
      created('port', port.portId);
      const { serverId } = await step('server', () =>
        quick.ensureServer({
          ...ref,
          name: spec.name,
          flavorId,
          imageId: spec.imageId,
          bootVolumeGb: spec.bootVolumeGb ?? null,
          portId: port.portId,
          userData: spec.userData ?? null,
          files: spec.files ?? [],
          metadata: spec.metadata ?? {},
          adminPass: spec.adminPass ?? null,
          quota: serverQuota(spec, flavor),
        }),
      );
      created('server', serverId);
      const facts = await step('wait active', () =>
        waiting.waitServerActive({ ...ref, serverId, timeoutMs: input.activeTimeoutMs }),
      );
      const volumeIds: string[] = [];
      for (const [index, v] of (spec.volumes ?? []).entries()) {
        const { volumeId } = await step(`volume ${index + 1}`, () =>
          quick.ensureVolume({
            ...ref,
            index,
            name: `${spec.name}-vol${index + 1}`,
            sizeGb: v.sizeGb,
            quota: { volumes: 1, gigabytes: v.sizeGb },
          }),
        );
        created('volume', volumeId);
        await step(`volume ${index + 1} available`, () =>
          waiting.waitVolumeAvailable({ ...ref, volumeId, timeoutMs: input.activeTimeoutMs }),
        );
        await step(`attach volume ${index + 1}`, () => quick.attachVolume({ ...ref, serverId, volumeId }));
        volumeIds.push(volumeId);
      }
      let floating: { floatingIpId: string; address: string } | null = null;
      if (spec.floatingIp) {
        floating = await step('floating ip', () =>
          quick.ensureFloatingIp({ ...ref, portId: port.portId, quota: { floatingIps: 1 } }),
        );
        created('floating_ip', floating.floatingIpId);
      }
      await provisionBandwidth(step, ref, { kind: 'server', openstackId: serverId }, spec);
      const attributes: Record<string, Record<string, unknown>> = {
        [serverId]: {
          fixedIp: port.fixedIp,
          floatingIp: floating?.address ?? null,
          volumes: volumeIds,
          portId: port.portId,
          securityGroupIds: port.securityGroupIds,
        },
      };
      await step('record', () =>
        quick.activateItemResources({ itemId: input.itemId, projectId: ref.projectId, attributes }),
      );
      return {
        serverId,
        portId: port.portId,
        fixedIp: port.fixedIp,
        networkId: port.networkId,
        volumeIds,
        floatingIpId: floating?.floatingIpId ?? null,
        floatingIp: floating?.address ?? null,
        addresses: facts.addresses,
      };
    }
    case 'volume': {
      const { volumeId } = await step('volume', () =>
        quick.ensureVolume({
          ...ref,
          index: 0,
          name: spec.name,
          sizeGb: spec.sizeGb,
          quota: { volumes: 1, gigabytes: spec.sizeGb },
        }),
      );
      created('volume', volumeId);
      await step('volume available', () =>
        waiting.waitVolumeAvailable({ ...ref, volumeId, timeoutMs: input.activeTimeoutMs }),
      );
      await step('record', () =>
        quick.activateItemResources({ itemId: input.itemId, projectId: ref.projectId, attributes: {} }),
      );
      return { volumeId };
    }
    case 'floating_ip': {
      const fip = await step('floating ip', () =>
        quick.ensureFloatingIp({ ...ref, portId: null, quota: { floatingIps: 1 } }),
      );
      created('floating_ip', fip.floatingIpId);
      await provisionBandwidth(step, ref, { kind: 'floating_ip', openstackId: fip.floatingIpId }, spec);
      await step('record', () =>
        quick.activateItemResources({ itemId: input.itemId, projectId: ref.projectId, attributes: {} }),
      );
      return { floatingIpId: fip.floatingIpId, floatingIp: fip.address };
    }
    case 'network': {
      const net = await step('network', () =>
        quick.ensureNetwork({
          ...ref,
          name: spec.name,
          cidr: spec.cidr,
          withRouter: spec.withRouter ?? false,
          quota: { networks: 1, routers: spec.withRouter ? 1 : 0 },
        }),
      );
      if (net.routerId) created('router', net.routerId);
      created('network', net.networkId);
      await step('record', () =>
        quick.activateItemResources({ itemId: input.itemId, projectId: ref.projectId, attributes: {} }),
      );
      return { ...net };
    }
    case 'load_balancer':
      return provisionLoadBalancerItem(spec, ref, step, created);
    case 'site':
      // A dedicated site (a shared one is provisioned above).
      return provisionSiteItem(spec, step, input.tenantId, {
        ref,
        created,
        flavor: input.flavor!,
        activeTimeoutMs: input.activeTimeoutMs,
      });
  }
}
