/**
 * A dedicated site's cloud side, built inside `provision-<itemId>` (a dedicated order) or `site-migrate-<siteId>` (a
 * migration): its web servers from the app environment's cloud-init, a security group, a shared-space volume, a load
 * balancer over the servers with an HTTP health monitor and a floating IP, recorded on the site. Every create is
 * tagged and looked up again on retry; each one made is handed to `created`, so the caller's saga unwinds it.
 */
import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ProvisionActivities, ProvisionRef } from '../activities/openstack/provision-types';
import type { ProductActivities } from '../activities/openstack/products';
import type { SiteCloudActivities } from '../activities/openstack/site-cloud';
import type { DedicatedSiteActivities } from '../activities/sites/dedicated-activities';
import type { MemberActivities } from '../activities/sites/member-activities';
import type { DatabaseCredentials } from '../activities/dbservice/activities';
import type { CloudResourceKind } from '../domain/entities/cloud-resource';
import type { DedicatedDeployment, DedicatedSiteSpec } from '../domain/entities/site';
import type { LoadBalancerItemSpec } from '../domain/orders/items';
import { queuesOf } from '../domain/task-queues';
import { provisionBandwidth } from './provision-products';
import { retryPresets } from './retry-presets';
import type { Step } from './steps';

export type { Step };
export type Created = (kind: CloudResourceKind, openstackId: string) => void;

export interface DedicatedBuild {
  siteId: string;
  siteName: string;
  spec: DedicatedSiteSpec;
  flavor: { name: string; vcpus: number; ramMb: number; diskGb: number };
  /** The site's database (its password is not written into the servers' user data). */
  database: DatabaseCredentials | null;
  activeTimeoutMs: number;
}

/** The load balancer's health monitor asks each web server's default page (answered by the web server itself). */
export const memberHealthPath = '/cmp-health';

function openstack() {
  const queue = queuesOf(workflowInfo().taskQueue).openstack;
  const retry = retryPresets.openstack;
  return {
    quick: proxyActivities<ProvisionActivities & SiteCloudActivities>({
      taskQueue: queue,
      startToCloseTimeout: '1 minute',
      retry,
    }),
    waiting: (timeoutMs: number) =>
      proxyActivities<ProvisionActivities>({
        taskQueue: queue,
        startToCloseTimeout: timeoutMs + 60_000,
        heartbeatTimeout: '15 seconds',
        retry,
      }),
    products: proxyActivities<ProductActivities>({
      taskQueue: queue,
      startToCloseTimeout: '10 minutes',
      heartbeatTimeout: '30 seconds',
      retry,
    }),
  };
}

const local = proxyActivities<DedicatedSiteActivities & MemberActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { ...retryPresets.orchestration, maximumAttempts: 5 },
});

/** Builds the site's servers, volume and load balancer; answers what was built (also recorded on the site). */
export async function buildDedicatedDeployment(
  b: DedicatedBuild,
  ref: ProvisionRef,
  step: Step,
  created: Created,
): Promise<DedicatedDeployment> {
  const { quick, waiting, products } = openstack();
  const wait = waiting(b.activeTimeoutMs);
  const { userData, memberPort } = await step('user data', () =>
    local.dedicatedUserData({
      siteId: b.siteId,
      database: b.database
        ? { host: b.database.host, port: b.database.port, database: b.database.database, username: b.database.username }
        : null,
    }),
  );
  const { flavorId } = await step('flavor', () => quick.ensureFlavor(b.flavor));
  const { securityGroupId } = await step('security group', () =>
    quick.ensureSiteSecurityGroup({ ...ref, siteName: b.siteName, memberPort }),
  );
  created('security_group', securityGroupId);

  // The web servers are built side by side; each one's objects carry its own tag.
  const servers = await Promise.all(
    Array.from({ length: b.spec.servers }, async (_, i) => {
      const n = i + 1;
      const member: ProvisionRef = { ...ref, tag: `${ref.tag}.web${n}` };
      const port = await step(`web ${n} port`, () =>
        quick.ensurePort({ ...member, networkId: null, securityGroupIds: [securityGroupId] }),
      );
      created('port', port.portId);
      const { serverId } = await step(`web ${n} server`, () =>
        quick.ensureServer({
          ...member,
          name: `${b.siteName}-web${n}`,
          flavorId,
          imageId: b.spec.imageId,
          bootVolumeGb: null,
          portId: port.portId,
          userData,
          files: [],
          metadata: { cmp_site: b.siteId },
          adminPass: null,
          quota: { instances: 1, vcpus: b.flavor.vcpus, ramMb: b.flavor.ramMb, volumes: 0, gigabytes: 0 },
        }),
      );
      created('server', serverId);
      await step(`web ${n} active`, () => wait.waitServerActive({ ...member, serverId, timeoutMs: b.activeTimeoutMs }));
      if (b.spec.bandwidthMbps)
        await provisionBandwidth(
          (name, fn) => step(`web ${n} ${name}`, fn),
          member,
          { kind: 'server', openstackId: serverId },
          { bandwidth: { egressMbps: b.spec.bandwidthMbps, ingressMbps: b.spec.bandwidthMbps } },
        );
      if (!port.fixedIp) throw ApplicationFailure.nonRetryable(`web ${n}'s port has no address`, 'SiteSetupFailed');
      return { serverId, fixedIp: port.fixedIp };
    }),
  );

  const { volumeId } = await step('volume', () =>
    quick.ensureVolume({
      ...ref,
      index: 0,
      name: `${b.siteName}-shared`,
      sizeGb: b.spec.volumeGb,
      quota: { volumes: 1, gigabytes: b.spec.volumeGb },
    }),
  );
  created('volume', volumeId);
  await step('volume available', () => wait.waitVolumeAvailable({ ...ref, volumeId, timeoutMs: b.activeTimeoutMs }));
  await step('attach volume', () => quick.attachVolume({ ...ref, serverId: servers[0]!.serverId, volumeId }));

  const members = await step('members', () => local.resolveSiteMembers({ servers }));
  const names = servers.map((_, i) => `web${i + 1}`);
  const lbSpec: LoadBalancerItemSpec = {
    kind: 'load_balancer',
    name: `${b.siteName}-lb`,
    size: 'small',
    networkId: null,
    floatingIp: true,
    listeners: [
      {
        protocol: 'HTTP',
        port: 80,
        connectionLimit: b.spec.connectionLimit,
        pool: {
          algorithm: 'ROUND_ROBIN',
          memberPort,
          members: names,
          healthMonitor: { type: 'HTTP', delay: 2, timeout: 1, maxRetries: 1, urlPath: memberHealthPath },
        },
      },
    ],
    memberAddresses: Object.fromEntries(
      servers.map((s, i) => [names[i], { serverId: s.serverId, address: s.fixedIp, subnetId: null }]),
    ),
  };
  const lb = await step('load balancer', () => products.provisionLoadBalancer({ ...ref, spec: lbSpec }));
  created('load_balancer', lb.loadBalancerId);
  const floating = await step('floating ip', () =>
    quick.ensureFloatingIp({ ...ref, portId: lb.vipPortId, quota: { floatingIps: 1 } }),
  );
  created('floating_ip', floating.floatingIpId);
  await step('record', () =>
    quick.activateItemResources({
      itemId: ref.itemId,
      projectId: ref.projectId,
      attributes: { [lb.loadBalancerId]: { floatingIp: floating.address } },
    }),
  );
  const described = await step('describe', () =>
    products.refreshLoadBalancerRecord({ projectId: ref.projectId, openstackId: lb.loadBalancerId }),
  );
  const listenerId = (described.listeners as Array<{ id: string }> | undefined)?.[0]?.id ?? null;
  const endpoint = await step('endpoint', () =>
    local.resolveSiteListener({ listenerId, floatingIp: floating.address, port: 80 }),
  );
  const deployment: DedicatedDeployment = {
    projectId: ref.projectId,
    members,
    securityGroupIds: [securityGroupId],
    loadBalancerId: lb.loadBalancerId,
    listenerId,
    endpoint,
    floatingIpId: floating.floatingIpId,
    floatingIp: floating.address,
    volumeId,
  };
  await step('record site', () => local.recordDedicatedDeployment({ siteId: b.siteId, deployment }));
  return deployment;
}
