import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { choosePlacement } from '../db/placement';
import type { Orm } from '../../domain/db/orm';
import { Tenant } from '../../domain/entities';
import { composeUserData } from '../../domain/orders/cloud-init';
import { ensureTenantProject } from './provision-project';
import { ensureGatewayRouter, ensureTaggedPort, findNetwork } from './provision-network';
import { activateRecords, liveRecordsOfItem, markDeleted, recordCreated } from './provision-records';
import { provisionSessions, type CloudSession, type ProvisionCloudSettings } from './provision-session';
import type { ProvisionActivities, ProvisionRef, ServerFacts } from './provision-types';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isNotFound = (e: unknown) => (e as ApplicationFailure)?.type === 'OpenStackNotFound';

interface NovaServer {
  id: string;
  status: string;
  fault?: { message?: string };
  addresses?: Record<string, Array<{ addr: string; 'OS-EXT-IPS:type'?: string }>>;
}
interface CinderVolume {
  id: string;
  status: string;
  metadata?: Record<string, string>;
}

/**
 * Polls until `done` answers a value, heartbeating each round. The start time rides in the heartbeat
 * details, so an attempt resumed on another worker keeps the original bound.
 */
async function pollUntil<T>(timeoutMs: number, what: string, check: () => Promise<T | undefined>): Promise<T> {
  const ctx = Context.current();
  const started = (ctx.info.heartbeatDetails as { started?: number } | undefined)?.started ?? Date.now();
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() - started > timeoutMs) throw ApplicationFailure.nonRetryable(`${what} did not finish within ${Math.round(timeoutMs / 1000)} s`, 'ProvisionTimeout');
    ctx.heartbeat({ started });
    await Promise.race([sleep(500), ctx.cancelled]);
  }
}

/** Provisioning activities on `cmp-openstack`: the platform's admin acting in each tenant's project. */
export function createProvisionActivities(orm: Orm, settings: ProvisionCloudSettings | undefined): ProvisionActivities {
  const notConfigured = () => ApplicationFailure.nonRetryable('OpenStack is not configured for provisioning (OS_AUTH_URL...)', 'OpenStackNotConfigured');
  const sessions = settings ? provisionSessions(settings) : undefined;
  const need = () => {
    if (!sessions || !settings) throw notConfigured();
    return { sessions, settings };
  };
  const inProject = (projectId: string): Promise<CloudSession> => need().sessions.project(projectId);

  async function projectOfTenant(tenantId: string): Promise<string> {
    return (await ensureTenantProject(orm, need().sessions, tenantId)).projectId;
  }

  async function deleteOne(s: CloudSession, kind: string, id: string): Promise<void> {
    try {
      switch (kind) {
        case 'server':
          await s.call('compute', 'DELETE', `/servers/${id}`);
          // Volumes and ports are only free once the server is gone.
          await pollUntil(120_000, `deleting server ${id}`, async () => {
            try {
              await s.call('compute', 'GET', `/servers/${id}`);
              return undefined;
            } catch (e) {
              if (isNotFound(e)) return true;
              throw e;
            }
          });
          break;
        case 'port':
          await s.call('network', 'DELETE', `/v2.0/ports/${id}`);
          break;
        case 'floating_ip':
          await s.call('network', 'DELETE', `/v2.0/floatingips/${id}`);
          break;
        case 'volume': {
          // A compensation may reach a volume still attached to the server it was made for.
          const { volume } = await s.call<{ volume: CinderVolume & { attachments?: Array<{ server_id: string }> } }>('volumev3', 'GET', `/volumes/${id}`);
          for (const a of volume.attachments ?? []) {
            try {
              await s.call('compute', 'DELETE', `/servers/${a.server_id}/os-volume_attachments/${id}`);
            } catch (e) {
              if (!isNotFound(e)) throw e;
            }
          }
          if (volume.attachments?.length) {
            await pollUntil(120_000, `detaching volume ${id}`, async () => {
              const v = (await s.call<{ volume: CinderVolume }>('volumev3', 'GET', `/volumes/${id}`)).volume;
              return v.status === 'available' || v.status === 'error' ? true : undefined;
            });
          }
          await s.call('volumev3', 'DELETE', `/volumes/${id}`);
          break;
        }
        case 'router': {
          const { ports } = await s.call<{ ports: Array<{ id: string; device_owner: string }> }>('network', 'GET', `/v2.0/ports?device_id=${id}`);
          for (const p of ports.filter((x) => x.device_owner === 'network:router_interface')) {
            await s.call('network', 'PUT', `/v2.0/routers/${id}/remove_router_interface`, { port_id: p.id });
          }
          await s.call('network', 'DELETE', `/v2.0/routers/${id}`);
          break;
        }
        case 'network':
          await s.call('network', 'DELETE', `/v2.0/networks/${id}`);
          break;
        case 'subnet':
          await s.call('network', 'DELETE', `/v2.0/subnets/${id}`);
          break;
      }
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  return {
    async ensureTenantProject({ tenantId }) {
      return ensureTenantProject(orm, need().sessions, tenantId);
    },

    async validateOrderItems({ items }) {
      if (!items.some((i) => i.kind === 'server')) return { problem: null };
      const admin = await need().sessions.admin();
      for (const item of items) {
        if (item.spec.kind !== 'server') continue;
        try {
          await admin.call('image', 'GET', `/v2/images/${encodeURIComponent(item.spec.imageId)}`);
        } catch (e) {
          if (isNotFound(e)) return { problem: `image ${item.spec.imageId} not found`, itemId: item.id };
          throw e;
        }
        const net = item.spec.networkId ?? need().settings.defaultNetwork;
        try {
          await findNetwork(admin, net);
        } catch (e) {
          if (isNotFound(e)) return { problem: `network ${net} not found`, itemId: item.id };
          throw e;
        }
      }
      return { problem: null };
    },

    async ensureFlavor({ name, vcpus, ramMb, diskGb }) {
      const admin = await need().sessions.admin();
      const osName = `cmp-${name}`;
      const { flavors } = await admin.call<{ flavors: Array<{ id: string; name: string }> }>('compute', 'GET', '/flavors/detail?is_public=none');
      const found = flavors.find((f) => f.name === osName);
      if (found) return { flavorId: found.id };
      const { flavor } = await admin.call<{ flavor: { id: string } }>('compute', 'POST', '/flavors', { flavor: { name: osName, vcpus, ram: ramMb, disk: diskGb } });
      return { flavorId: flavor.id };
    },

    async ensurePort(ref) {
      const s = await inProject(ref.projectId);
      const port = await ensureTaggedPort(s, ref.tag, ref.networkId ?? need().settings.defaultNetwork);
      await recordCreated(orm, ref, 'port', port.portId, ref.tag, { networkId: port.networkId, fixedIp: port.fixedIp });
      return port;
    },

    async ensureServer(req) {
      const s = await inProject(req.projectId);
      const admin = await need().sessions.admin();
      const found = await admin.call<{ servers: NovaServer[] }>('compute', 'GET', `/servers/detail?all_tenants=1&tags=${encodeURIComponent(req.tag)}`);
      let serverId = found.servers[0]?.id;
      if (!serverId) {
        const userData = composeUserData(req.userData, req.files);
        const server: Record<string, unknown> = {
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
          server.block_device_mapping_v2 = [{ boot_index: 0, uuid: req.imageId, source_type: 'image', destination_type: 'volume', volume_size: req.bootVolumeGb, delete_on_termination: true }];
        } else server.imageRef = req.imageId;
        // New servers follow the platform's scheduling policy (spread or pack); the admin forces the host.
        const { host } = await choosePlacement(orm.em.fork(), { vcpus: req.quota.vcpus ?? 0, memoryMb: req.quota.ramMb ?? 0 }, 'create');
        if (host) server.availability_zone = `nova:${host}`;
        serverId = (await s.call<{ server: { id: string } }>('compute', 'POST', '/servers', { server })).server.id;
      }
      await recordCreated(orm, req, 'server', serverId, req.name, { flavorId: req.flavorId, imageId: req.imageId, bootVolumeGb: req.bootVolumeGb ?? null, quota: req.quota });
      return { serverId };
    },

    async waitServerActive(input): Promise<ServerFacts> {
      const s = await inProject(input.projectId);
      return pollUntil(input.timeoutMs, `server ${input.serverId} reaching ACTIVE`, async () => {
        const { server } = await s.call<{ server: NovaServer }>('compute', 'GET', `/servers/${input.serverId}`);
        if (server.status === 'ERROR') throw ApplicationFailure.nonRetryable(`server ${input.serverId} went to ERROR: ${server.fault?.message ?? 'no fault reported'}`, 'ProvisionFailed');
        if (server.status !== 'ACTIVE') return undefined;
        const addresses: ServerFacts['addresses'] = {};
        for (const [net, list] of Object.entries(server.addresses ?? {})) addresses[net] = list.map((a) => ({ addr: a.addr, type: a['OS-EXT-IPS:type'] ?? null }));
        return { serverId: server.id, status: server.status, addresses };
      });
    },

    async ensureVolume(input) {
      const s = await inProject(input.projectId);
      const tag = `${input.tag}.v${input.index}`;
      const { volumes } = await s.call<{ volumes: CinderVolume[] }>('volumev3', 'GET', '/volumes/detail');
      let volumeId = volumes.find((v) => v.metadata?.cmp_tag === tag && v.status !== 'deleting')?.id;
      if (!volumeId) {
        const body = { volume: { size: input.sizeGb, name: input.name, metadata: { cmp_tag: tag, cmp_item: input.itemId } } };
        volumeId = (await s.call<{ volume: { id: string } }>('volumev3', 'POST', '/volumes', body)).volume.id;
      }
      await recordCreated(orm, input, 'volume', volumeId, input.name, { sizeGb: input.sizeGb, quota: input.quota });
      return { volumeId };
    },

    async waitVolumeAvailable(input) {
      const s = await inProject(input.projectId);
      await pollUntil(input.timeoutMs, `volume ${input.volumeId} becoming available`, async () => {
        const { volume } = await s.call<{ volume: CinderVolume }>('volumev3', 'GET', `/volumes/${input.volumeId}`);
        if (volume.status === 'error') throw ApplicationFailure.nonRetryable(`volume ${input.volumeId} went to error`, 'ProvisionFailed');
        return volume.status === 'available' || volume.status === 'in-use' ? true : undefined;
      });
    },

    async attachVolume(input) {
      const s = await inProject(input.projectId);
      type Att = { volumeId: string; device: string | null };
      const { volumeAttachments } = await s.call<{ volumeAttachments: Att[] }>('compute', 'GET', `/servers/${input.serverId}/os-volume_attachments`);
      const have = volumeAttachments.find((a) => a.volumeId === input.volumeId);
      if (have) return { device: have.device ?? null };
      const { volumeAttachment } = await s.call<{ volumeAttachment: Att }>('compute', 'POST', `/servers/${input.serverId}/os-volume_attachments`, { volumeAttachment: { volumeId: input.volumeId } });
      return { device: volumeAttachment.device ?? null };
    },

    async ensureFloatingIp(input) {
      const s = await inProject(input.projectId);
      type Fip = { id: string; floating_ip_address: string; port_id: string | null };
      const { floatingips } = await s.call<{ floatingips: Fip[] }>('network', 'GET', `/v2.0/floatingips?description=${encodeURIComponent(input.tag)}`);
      let fip = floatingips[0];
      if (!fip) {
        const ext = await findNetwork(s, need().settings.externalNetwork);
        if (input.portId) await ensureGatewayRouter(await need().sessions.admin(), s, input.portId, ext.id);
        fip = (await s.call<{ floatingip: Fip }>('network', 'POST', '/v2.0/floatingips', { floatingip: { floating_network_id: ext.id, description: input.tag, ...(input.portId ? { port_id: input.portId } : {}) } })).floatingip;
      } else if (input.portId && fip.port_id !== input.portId) {
        fip = (await s.call<{ floatingip: Fip }>('network', 'PUT', `/v2.0/floatingips/${fip.id}`, { floatingip: { port_id: input.portId } })).floatingip;
      }
      await recordCreated(orm, input, 'floating_ip', fip.id, fip.floating_ip_address, { address: fip.floating_ip_address, quota: input.quota });
      return { floatingIpId: fip.id, address: fip.floating_ip_address };
    },

    async ensureNetwork(input) {
      const s = await inProject(input.projectId);
      type Net = { id: string };
      const found = await s.call<{ networks: Net[] }>('network', 'GET', `/v2.0/networks?description=${encodeURIComponent(input.tag)}`);
      const networkId = found.networks[0]?.id ?? (await s.call<{ network: Net }>('network', 'POST', '/v2.0/networks', { network: { name: input.name, description: input.tag } })).network.id;
      await recordCreated(orm, input, 'network', networkId, input.name, { cidr: input.cidr, quota: input.quota });
      const subnets = await s.call<{ subnets: Net[] }>('network', 'GET', `/v2.0/subnets?network_id=${networkId}`);
      const subnetId =
        subnets.subnets[0]?.id ??
        (await s.call<{ subnet: Net }>('network', 'POST', '/v2.0/subnets', { subnet: { network_id: networkId, name: `${input.name}-subnet`, ip_version: 4, cidr: input.cidr } })).subnet.id;
      let routerId: string | null = null;
      if (input.withRouter) {
        const routers = await s.call<{ routers: Net[] }>('network', 'GET', `/v2.0/routers?description=${encodeURIComponent(input.tag)}`);
        routerId = routers.routers[0]?.id ?? null;
        if (!routerId) {
          const ext = await findNetwork(s, need().settings.externalNetwork);
          routerId = (await s.call<{ router: Net }>('network', 'POST', '/v2.0/routers', { router: { name: `${input.name}-router`, description: input.tag, external_gateway_info: { network_id: ext.id } } })).router.id;
        }
        await recordCreated(orm, input, 'router', routerId, `${input.name}-router`, { quota: {} });
        const { ports } = await s.call<{ ports: Array<{ fixed_ips: Array<{ subnet_id: string }> }> }>('network', 'GET', `/v2.0/ports?device_id=${routerId}`);
        if (!ports.some((p) => p.fixed_ips.some((f) => f.subnet_id === subnetId))) {
          await s.call('network', 'PUT', `/v2.0/routers/${routerId}/add_router_interface`, { subnet_id: subnetId });
        }
      }
      return { networkId, subnetId, routerId };
    },

    async deleteCreated({ projectId, kind, openstackId }) {
      await deleteOne(await inProject(projectId), kind, openstackId);
      await markDeleted(orm, kind, openstackId);
    },

    async teardownItem({ itemId }) {
      const records = await liveRecordsOfItem(orm, itemId);
      if (!records.length) return 0;
      const tenant = await orm.em.fork().findOneOrFail(Tenant, { id: records[0].tenantId });
      const s = await inProject(tenant.openstackProjectId ?? (await projectOfTenant(tenant.id)));
      for (const r of records) {
        await deleteOne(s, r.kind, r.openstackId!);
        await markDeleted(orm, r.kind, r.openstackId!);
      }
      return records.length;
    },

    async activateItemResources({ itemId, attributes }) {
      await activateRecords(orm, itemId, attributes);
    },
  };
}

export type { ProvisionRef };
