import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { choosePlacement } from '../db/placement';
import type { Orm } from '../../domain/db/orm';
import { CloudResource, Tenant } from '../../domain/entities';
import { composeUserData } from '../../domain/orders/cloud-init';
import type { OpenStackClient } from './client';
import { openCloud } from './cloud';
import type { ServerCreate } from './compute';
import { isNotFound, OpenStackFailureType, withFailureTypes } from './errors';
import { Placement } from './provision-placement';
import { ensureTenantProject } from './provision-project';
import { ensureGatewayRouter, ensureTaggedPort, findNetwork } from './provision-network';
import { activateRecords, liveRecordsOfItem, markDeleted, recordCreated } from './provision-records';
import { deliveredState } from './provision-delivered';
import type { ProvisionCloudSettings } from './provision-settings';
import type { ProvisionActivities, ProvisionRef, ServerFacts } from './provision-types';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls until `done` answers a value, heartbeating each round. The start time rides in the heartbeat
 * details, so an attempt resumed on another worker keeps the original bound.
 */
async function pollUntil<T>(timeoutMs: number, what: string, check: () => Promise<T | undefined>): Promise<T> {
  const ctx = Context.current();
  const started = (ctx.info.heartbeatDetails as { started?: number } | undefined)?.started ?? Date.now();
  // The first checks come quickly (a fast build is seen within 100 ms), then every 500 ms.
  for (let n = 0; ; n++) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() - started > timeoutMs)
      throw ApplicationFailure.nonRetryable(
        `${what} did not finish within ${Math.round(timeoutMs / 1000)} s`,
        OpenStackFailureType.WaitTimeout,
      );
    ctx.heartbeat({ started });
    await Promise.race([sleep(Math.min(500, 100 * 2 ** n)), ctx.cancelled]);
  }
}

/** Provisioning activities on `cmp-openstack`: the platform's service account acting in each tenant's project. */
export function createProvisionActivities(orm: Orm, settings: ProvisionCloudSettings | undefined): ProvisionActivities {
  const cloud = openCloud(settings, 'provisioning');
  /** The account's networks (failing as not configured without one). */
  const networks = () => cloud.account as ProvisionCloudSettings;
  const inProject = (projectId: string): OpenStackClient => cloud.tenant(projectId);

  async function projectOfTenant(tenantId: string): Promise<string> {
    return (await ensureTenantProject(orm, cloud, tenantId)).projectId;
  }

  async function deleteOne(c: OpenStackClient, kind: string, id: string): Promise<void> {
    try {
      switch (kind) {
        case 'server':
          await c.compute.deleteServer(id);
          // Volumes and ports are only free once the server is gone.
          await pollUntil(120_000, `deleting server ${id}`, async () => {
            try {
              await c.compute.getServer(id);
              return undefined;
            } catch (e) {
              if (isNotFound(e)) return true;
              throw e;
            }
          });
          break;
        case 'port':
          await c.network.deletePort(id);
          break;
        case 'load_balancer':
          // Its listeners, pools, members and monitors go with it; the VIP port is freed once it is gone.
          await c.loadBalancer.deleteLoadBalancer(id, true);
          await pollUntil(120_000, `deleting load balancer ${id}`, async () => {
            try {
              await c.loadBalancer.getLoadBalancer(id);
              return undefined;
            } catch (e) {
              if (isNotFound(e)) return true;
              throw e;
            }
          });
          break;
        case 'floating_ip':
          await c.network.deleteFloatingIp(id);
          break;
        case 'volume': {
          // A compensation may reach a volume still attached to the server it was made for.
          const volume = await c.blockStorage.getVolume(id);
          for (const a of volume.attachments ?? []) {
            try {
              await c.compute.detachVolume(a.server_id, id);
            } catch (e) {
              if (!isNotFound(e)) throw e;
            }
          }
          if (volume.attachments?.length) {
            await pollUntil(120_000, `detaching volume ${id}`, async () => {
              const v = await c.blockStorage.getVolume(id);
              return v.status === 'available' || v.status === 'error' ? true : undefined;
            });
          }
          await c.blockStorage.deleteVolume(id);
          break;
        }
        case 'router': {
          for (const p of (await c.network.listPorts({ device_id: id })).filter(
            (x) => x.device_owner === 'network:router_interface',
          )) {
            await c.network.removeRouterInterface(id, { port_id: p.id });
          }
          await c.network.deleteRouter(id);
          break;
        }
        case 'network':
          await c.network.deleteNetwork(id);
          break;
        case 'subnet':
          await c.network.deleteSubnet(id);
          break;
        case 'security_group':
          await c.network.deleteSecurityGroup(id);
          break;
      }
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  return withFailureTypes<ProvisionActivities>({
    async ensureTenantProject({ tenantId }) {
      return ensureTenantProject(orm, cloud, tenantId);
    },

    /** Reads what the servers boot from and port onto as the tenant sees it: in his project (made on this first need). */
    async validateOrderItems({ tenantId, items }) {
      if (!items.some((i) => i.kind === 'server')) return { problem: null };
      const c = inProject(await projectOfTenant(tenantId));
      for (const item of items) {
        if (item.spec.kind !== 'server') continue;
        try {
          await c.image.getImage(item.spec.imageId);
        } catch (e) {
          if (isNotFound(e)) return { problem: `image ${item.spec.imageId} not found`, itemId: item.id };
          throw e;
        }
        const net = item.spec.networkId ?? networks().defaultNetwork;
        try {
          await findNetwork(c, net);
        } catch (e) {
          if (isNotFound(e)) return { problem: `network ${net} not found`, itemId: item.id };
          throw e;
        }
      }
      return { problem: null };
    },

    async ensureFlavor({ name, vcpus, ramMb, diskGb }) {
      const admin = cloud.admin();
      const osName = `cmp-${name}`;
      const found = (await admin.compute.listFlavors({ is_public: 'none' })).find((f) => f.name === osName);
      if (found) return { flavorId: found.id };
      return { flavorId: (await admin.compute.createFlavor({ name: osName, vcpus, ram: ramMb, disk: diskGb })).id };
    },

    async ensurePort(ref) {
      const port = await ensureTaggedPort(
        inProject(ref.projectId),
        ref.tag,
        ref.networkId ?? networks().defaultNetwork,
        ref.securityGroupIds ?? [],
        ref.fixedIp || ref.macAddress
          ? { fixedIp: ref.fixedIp, macAddress: ref.macAddress, admin: cloud.admin(), projectId: ref.projectId }
          : undefined,
      );
      await recordCreated(orm, ref, 'port', port.portId, ref.tag, {
        networkId: port.networkId,
        fixedIp: port.fixedIp,
        securityGroupIds: port.securityGroupIds,
        ...(ref.fixedIp ? { chosenFixedIp: ref.fixedIp } : {}),
        ...(ref.macAddress ? { macAddress: ref.macAddress } : {}),
      });
      return port;
    },

    async ensureServer(req) {
      const c = inProject(req.projectId);
      let serverId = (await c.compute.listServers({ tags: req.tag }))[0]?.id;
      let placementHost: string | null = null;
      if (!serverId) {
        const userData = composeUserData(req.userData, req.files);
        const server: ServerCreate = {
          name: req.name,
          flavorRef: req.flavorId,
          networks: [{ port: req.portId }],
          metadata: { ...req.metadata, cmp_order: req.orderId, cmp_item: req.itemId },
          tags: [req.tag],
          ...(userData ? { user_data: Buffer.from(userData, 'utf8').toString('base64') } : {}),
          ...(req.adminPass ? { adminPass: req.adminPass } : {}),
        };
        if (req.bootVolumeGb) {
          server.imageRef = '';
          server.block_device_mapping_v2 = [
            {
              boot_index: 0,
              uuid: req.imageId,
              source_type: 'image',
              destination_type: 'volume',
              volume_size: req.bootVolumeGb,
              delete_on_termination: true,
            },
          ];
        } else server.imageRef = req.imageId;
        // New servers follow the platform's scheduling policy (spread or pack): see Placement.
        placementHost =
          (
            await choosePlacement(
              orm.em.fork(),
              { vcpus: req.quota.vcpus ?? 0, memoryMb: req.quota.ramMb ?? 0 },
              'create',
            )
          ).host ?? null;
        serverId = (await c.compute.createServer(server)).id;
      }
      await recordCreated(orm, req, 'server', serverId, req.name, {
        flavorId: req.flavorId,
        imageId: req.imageId,
        bootVolumeGb: req.bootVolumeGb ?? null,
        quota: req.quota,
        placementHost,
      });
      return { serverId };
    },

    async waitServerActive(input): Promise<ServerFacts> {
      const c = inProject(input.projectId);
      const record = await orm.em.fork().findOne(CloudResource, { kind: 'server', openstackId: input.serverId });
      const placement = new Placement(
        cloud.admin(),
        input.serverId,
        (record?.spec as { placementHost?: string | null } | undefined)?.placementHost ?? null,
      );
      return pollUntil(input.timeoutMs, `server ${input.serverId} reaching ACTIVE`, async () => {
        const server = await c.compute.getServer(input.serverId);
        if (server.status === 'ERROR')
          throw ApplicationFailure.nonRetryable(
            `server ${input.serverId} went to ERROR: ${server.fault?.message ?? 'no fault reported'}`,
            OpenStackFailureType.ResourceFailed,
          );
        if (server.status !== 'ACTIVE' || !(await placement.settled())) return undefined;
        const addresses: ServerFacts['addresses'] = {};
        for (const [net, list] of Object.entries(server.addresses ?? {}))
          addresses[net] = list.map((a) => ({ addr: a.addr, type: a['OS-EXT-IPS:type'] ?? null }));
        return { serverId: server.id, status: server.status, addresses };
      });
    },

    async ensureVolume(input) {
      const c = inProject(input.projectId);
      const tag = `${input.tag}.v${input.index}`;
      const tagged = await c.blockStorage.listVolumes({ metadata: JSON.stringify({ cmp_tag: tag }) });
      let volumeId = tagged.find((v) => v.metadata?.cmp_tag === tag && v.status !== 'deleting')?.id;
      if (!volumeId)
        volumeId = (
          await c.blockStorage.createVolume({
            size: input.sizeGb,
            name: input.name,
            metadata: { cmp_tag: tag, cmp_item: input.itemId },
          })
        ).id;
      await recordCreated(orm, input, 'volume', volumeId, input.name, { sizeGb: input.sizeGb, quota: input.quota });
      return { volumeId };
    },

    async waitVolumeAvailable(input) {
      const c = inProject(input.projectId);
      await pollUntil(input.timeoutMs, `volume ${input.volumeId} becoming available`, async () => {
        const volume = await c.blockStorage.getVolume(input.volumeId);
        if (volume.status === 'error')
          throw ApplicationFailure.nonRetryable(
            `volume ${input.volumeId} went to error`,
            OpenStackFailureType.ResourceFailed,
          );
        return volume.status === 'available' || volume.status === 'in-use' ? true : undefined;
      });
    },

    async attachVolume(input) {
      const c = inProject(input.projectId);
      const have = (await c.compute.listVolumeAttachments(input.serverId)).find((a) => a.volumeId === input.volumeId);
      if (have) return { device: have.device ?? null };
      return { device: (await c.compute.attachVolume(input.serverId, input.volumeId)).device ?? null };
    },

    async ensureFloatingIp(input) {
      const c = inProject(input.projectId);
      let fip = (await c.network.listFloatingIps({ description: input.tag }))[0];
      if (!fip) {
        const ext = await findNetwork(c, networks().externalNetwork);
        if (input.portId) await ensureGatewayRouter(cloud.admin(), c, input.portId, ext.id);
        fip = await c.network.createFloatingIp({
          floating_network_id: ext.id,
          description: input.tag,
          ...(input.portId ? { port_id: input.portId } : {}),
        });
      } else if (input.portId && fip.port_id !== input.portId) {
        fip = await c.network.updateFloatingIp(fip.id, { port_id: input.portId });
      }
      await recordCreated(orm, input, 'floating_ip', fip.id, fip.floating_ip_address, {
        address: fip.floating_ip_address,
        quota: input.quota,
      });
      return { floatingIpId: fip.id, address: fip.floating_ip_address };
    },

    async ensureNetwork(input) {
      const c = inProject(input.projectId);
      const networkId =
        (await c.network.listNetworks({ description: input.tag }))[0]?.id ??
        (await c.network.createNetwork({ name: input.name, description: input.tag })).id;
      await recordCreated(orm, input, 'network', networkId, input.name, { cidr: input.cidr, quota: input.quota });
      const subnetId =
        (await c.network.listSubnets({ network_id: networkId }))[0]?.id ??
        (
          await c.network.createSubnet({
            network_id: networkId,
            name: `${input.name}-subnet`,
            ip_version: 4,
            cidr: input.cidr,
          })
        ).id;
      let routerId: string | null = null;
      if (input.withRouter) {
        routerId = (await c.network.listRouters({ description: input.tag }))[0]?.id ?? null;
        if (!routerId) {
          const ext = await findNetwork(c, networks().externalNetwork);
          routerId = (
            await c.network.createRouter({
              name: `${input.name}-router`,
              description: input.tag,
              external_gateway_info: { network_id: ext.id },
            })
          ).id;
        }
        await recordCreated(orm, input, 'router', routerId, `${input.name}-router`, { quota: {} });
        const ports = await c.network.listPorts({ device_id: routerId });
        if (!ports.some((p) => p.fixed_ips.some((f) => f.subnet_id === subnetId)))
          await c.network.addRouterInterface(routerId, { subnet_id: subnetId });
      }
      return { networkId, subnetId, routerId };
    },

    async deleteCreated({ projectId, kind, openstackId }) {
      await deleteOne(inProject(projectId), kind, openstackId);
      await markDeleted(orm, kind, openstackId);
    },

    async teardownItem({ itemId }) {
      const records = await liveRecordsOfItem(orm, itemId);
      if (!records.length) return 0;
      const tenant = await orm.em.fork().findOneOrFail(Tenant, { id: records[0].tenantId });
      const c = inProject(tenant.openstackProjectId ?? (await projectOfTenant(tenant.id)));
      for (const r of records) {
        await deleteOne(c, r.kind, r.openstackId!);
        await markDeleted(orm, r.kind, r.openstackId!);
      }
      return records.length;
    },

    async activateItemResources({ itemId, projectId, attributes }) {
      const c = inProject(projectId);
      await activateRecords(orm, itemId, (r) => deliveredState(cloud, c, r), attributes);
    },
  });
}

export type { ProvisionRef };
