import { ApplicationFailure } from '@temporalio/common';
import { Context, sleep } from '@temporalio/activity';
import { failureType, isNotFound, type OperateCloud, type OperateService } from './operate-cloud';

/**
 * Volumes, volume snapshots, networks, subnets, routers, floating IPs, security groups and images:
 * create / change / delete in a tenant's project, each create tagged with the platform's resource
 * id (Neutron `description`, Cinder metadata, Glance property) and looked up before it is made again.
 */
export type OperatedKind = 'volume' | 'snapshot' | 'network' | 'subnet' | 'router' | 'floating_ip' | 'security_group' | 'image';
export type ChangeOp = 'update' | 'attach' | 'detach' | 'add_interface' | 'remove_interface' | 'associate' | 'add_rule' | 'remove_rule';

type Row = Record<string, any>;
type Params = Record<string, any>;

export interface ObjectState {
  openstackId: string;
  name: string;
  osStatus: string | null;
  attributes: Record<string, unknown>;
}

const tagOf = (resourceId: string) => `cmp:${resourceId}`;

interface KindApi {
  service: OperateService;
  /** Collection path and the JSON keys of one object / of the list. */
  path: string;
  one: string;
  many: string;
  /** Finds an object a previous attempt created. */
  find: (c: OperateCloud, tag: string, p: Params) => Promise<Row | undefined>;
  body: (p: Params, tag: string, projectId: string | null) => Row;
  /** Settled statuses (null: ready as soon as it exists) and statuses meaning failure. */
  ready: string[] | null;
  failed: string[];
  view: (r: Row) => Record<string, unknown>;
}

const neutronFind = (path: string, many: string) => async (c: OperateCloud, tag: string) => {
  const r = await c.call<Row>('network', 'GET', `${path}?description=${encodeURIComponent(tag)}`);
  return (r[many] as Row[])[0];
};
const cinderFind = (path: string, many: string) => async (c: OperateCloud, tag: string) => {
  const r = await c.call<Row>('volumev3', 'GET', `${path}/detail?metadata=${encodeURIComponent(JSON.stringify({ cmp_resource: tag }))}`);
  return (r[many] as Row[])[0];
};
const withProject = (projectId: string | null) => (projectId ? { project_id: projectId } : {});

const kinds: Record<OperatedKind, KindApi> = {
  volume: {
    service: 'volumev3',
    path: '/volumes',
    one: 'volume',
    many: 'volumes',
    find: cinderFind('/volumes', 'volumes'),
    body: (p, tag) => ({
      volume: {
        name: p.name,
        size: p.sizeGb,
        ...(p.description ? { description: p.description } : {}),
        ...(p.source?.type === 'snapshot' ? { snapshot_id: p.source.openstackId } : {}),
        ...(p.source?.type === 'volume' ? { source_volid: p.source.openstackId } : {}),
        ...(p.source?.type === 'image' ? { imageRef: p.source.imageId } : {}),
        metadata: { cmp_resource: tag },
      },
    }),
    ready: ['available', 'in-use'],
    failed: ['error', 'error_restoring', 'error_extending'],
    view: (r) => ({ sizeGb: r.size, bootable: r.bootable === 'true' || r.bootable === true, attachments: (r.attachments ?? []).map((a: Row) => ({ serverId: a.server_id, device: a.device ?? null, attachmentId: a.attachment_id ?? a.id })), sourceSnapshotId: r.snapshot_id ?? null, sourceVolumeId: r.source_volid ?? null, projectId: r['os-vol-tenant-attr:tenant_id'] ?? null }),
  },
  snapshot: {
    service: 'volumev3',
    path: '/snapshots',
    one: 'snapshot',
    many: 'snapshots',
    find: cinderFind('/snapshots', 'snapshots'),
    body: (p, tag) => ({ snapshot: { volume_id: p.volumeOpenstackId, name: p.name, force: true, metadata: { cmp_resource: tag } } }),
    ready: ['available'],
    failed: ['error'],
    view: (r) => ({ volumeId: r.volume_id, sizeGb: r.size }),
  },
  network: {
    service: 'network',
    path: '/v2.0/networks',
    one: 'network',
    many: 'networks',
    find: neutronFind('/v2.0/networks', 'networks'),
    body: (p, tag, projectId) => ({ network: { name: p.name, shared: p.shared ?? false, admin_state_up: p.adminStateUp ?? true, description: tag, ...withProject(projectId) } }),
    ready: null,
    failed: [],
    view: (r) => ({ shared: r.shared, adminStateUp: r.admin_state_up, subnets: r.subnets ?? [], external: r['router:external'] ?? false, mtu: r.mtu ?? null }),
  },
  subnet: {
    service: 'network',
    path: '/v2.0/subnets',
    one: 'subnet',
    many: 'subnets',
    find: neutronFind('/v2.0/subnets', 'subnets'),
    body: (p, tag, projectId) => ({
      subnet: {
        name: p.name,
        network_id: p.networkOpenstackId,
        cidr: p.cidr,
        ip_version: p.ipVersion ?? 4,
        enable_dhcp: p.enableDhcp ?? true,
        ...(p.gatewayIp !== undefined ? { gateway_ip: p.gatewayIp } : {}),
        ...(p.dnsNameservers ? { dns_nameservers: p.dnsNameservers } : {}),
        description: tag,
        ...withProject(projectId),
      },
    }),
    ready: null,
    failed: [],
    view: (r) => ({ networkId: r.network_id, cidr: r.cidr, ipVersion: r.ip_version, gatewayIp: r.gateway_ip, enableDhcp: r.enable_dhcp, dnsNameservers: r.dns_nameservers ?? [], allocationPools: r.allocation_pools ?? [] }),
  },
  router: {
    service: 'network',
    path: '/v2.0/routers',
    one: 'router',
    many: 'routers',
    find: neutronFind('/v2.0/routers', 'routers'),
    body: (p, tag, projectId) => ({ router: { name: p.name, admin_state_up: true, description: tag, ...(p.externalNetworkId ? { external_gateway_info: { network_id: p.externalNetworkId } } : {}), ...withProject(projectId) } }),
    ready: null,
    failed: [],
    view: (r) => ({ externalGateway: r.external_gateway_info ? { networkId: r.external_gateway_info.network_id, ips: (r.external_gateway_info.external_fixed_ips ?? []).map((f: Row) => f.ip_address) } : null, adminStateUp: r.admin_state_up }),
  },
  floating_ip: {
    service: 'network',
    path: '/v2.0/floatingips',
    one: 'floatingip',
    many: 'floatingips',
    find: neutronFind('/v2.0/floatingips', 'floatingips'),
    body: (p, tag, projectId) => ({ floatingip: { floating_network_id: p.externalNetworkId, ...(p.address ? { floating_ip_address: p.address } : {}), description: tag, ...withProject(projectId) } }),
    ready: null,
    failed: [],
    view: (r) => ({ address: r.floating_ip_address, externalNetworkId: r.floating_network_id, portId: r.port_id ?? null, fixedIp: r.fixed_ip_address ?? null, routerId: r.router_id ?? null }),
  },
  security_group: {
    service: 'network',
    path: '/v2.0/security-groups',
    one: 'security_group',
    many: 'security_groups',
    find: neutronFind('/v2.0/security-groups', 'security_groups'),
    body: (p, tag, projectId) => ({ security_group: { name: p.name, description: tag, ...withProject(projectId) } }),
    ready: null,
    failed: [],
    view: (r) => ({
      rules: (r.security_group_rules ?? []).map((x: Row) => ({ id: x.id, direction: x.direction, ethertype: x.ethertype, protocol: x.protocol ?? null, portRangeMin: x.port_range_min ?? null, portRangeMax: x.port_range_max ?? null, remoteIpPrefix: x.remote_ip_prefix ?? null, remoteGroupId: x.remote_group_id ?? null })),
    }),
  },
  image: {
    service: 'image',
    path: '/v2/images',
    one: 'image',
    many: 'images',
    find: async (c, tag, p) => {
      const r = await c.call<Row>('image', 'GET', `/v2/images?name=${encodeURIComponent(p.name)}`);
      return (r.images as Row[]).find((i) => i.cmp_resource === tag);
    },
    body: (p, tag) => ({ name: p.name, disk_format: p.diskFormat ?? 'qcow2', container_format: p.containerFormat ?? 'bare', visibility: p.visibility ?? 'private', min_disk: p.minDiskGb ?? 0, min_ram: p.minRamMb ?? 0, cmp_resource: tag, ...(p.ownerProjectId ? { owner: p.ownerProjectId } : {}) }),
    // A registered image without data yet stays `queued` until it is uploaded or imported: registered is done.
    ready: ['active', 'queued', 'importing'],
    failed: ['killed', 'deleted'],
    view: (r) => ({ visibility: r.visibility, diskFormat: r.disk_format ?? null, containerFormat: r.container_format ?? null, sizeBytes: r.size ?? null, minDiskGb: r.min_disk ?? null, owner: r.owner ?? null }),
  },
};

function stateOf(kind: OperatedKind, r: Row): ObjectState {
  return { openstackId: String(r.id), name: String(r.name ?? r.floating_ip_address ?? ''), osStatus: r.status ?? null, attributes: kinds[kind].view(r) };
}

async function fetchOne(c: OperateCloud, kind: OperatedKind, id: string): Promise<Row | null> {
  const k = kinds[kind];
  try {
    const r = await c.call<Row>(k.service, 'GET', `${k.path}/${id}`);
    return kind === 'image' ? r : r[k.one];
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

/** OpenStack's 4xx refusal of what the user asked is the user's answer: no retry, the cause kept. */
function refusal(e: unknown): unknown {
  const t = failureType(e);
  if (t === 'OpenStackConflict') return ApplicationFailure.nonRetryable((e as Error).message, 'InvalidResourceState');
  return e;
}

const pollMs = 300;

/** The cloud's external network (floating IPs and router gateways come from it when none is named). */
async function externalNetwork(c: OperateCloud): Promise<string> {
  const r = await c.call<Row>('network', 'GET', '/v2.0/networks?router:external=true');
  const net = (r.networks as Row[])[0];
  if (!net) throw ApplicationFailure.nonRetryable('OpenStack has no external network', 'OpenStackBadRequest');
  return String(net.id);
}

export function createResourceOperateActivities(cloud: (projectId?: string | null) => Promise<OperateCloud>) {
  return {
    async createResourceObject({ kind, params, projectId, tag }: { kind: OperatedKind; params: Params; projectId: string | null; tag: string }): Promise<ObjectState> {
      const c = await cloud(projectId);
      const k = kinds[kind];
      const t = tagOf(tag);
      const existing = await k.find(c, t, params);
      if (existing) return stateOf(kind, existing);
      if ((kind === 'floating_ip' && !params.externalNetworkId) || (kind === 'router' && params.externalGateway && !params.externalNetworkId)) {
        params = { ...params, externalNetworkId: await externalNetwork(c) };
      }
      try {
        const r = await c.call<Row>(k.service, 'POST', k.path, k.body(params, t, projectId));
        const created = kind === 'image' ? r : r[k.one];
        if (kind === 'image' && params.url) {
          await c.call('image', 'POST', `/v2/images/${created.id}/import`, { method: { name: 'web-download', uri: params.url } });
        }
        return stateOf(kind, created);
      } catch (e) {
        throw refusal(e);
      }
    },

    /** The cloud's public images (operators manage them; tenants boot from them). */
    async listPublicImages(): Promise<ObjectState[]> {
      const r = await (await cloud(null)).call<Row>('image', 'GET', '/v2/images?visibility=public&limit=1000');
      return (r.images as Row[]).map((i) => stateOf('image', i));
    },

    /** Polls until the object reaches a settled status; a failed status fails with OpenStack's words. */
    async waitResourceReady({ kind, openstackId, projectId }: { kind: OperatedKind; openstackId: string; projectId: string | null }): Promise<ObjectState> {
      const c = await cloud(projectId);
      const k = kinds[kind];
      for (;;) {
        const r = await fetchOne(c, kind, openstackId);
        if (!r) throw ApplicationFailure.nonRetryable(`${kind} ${openstackId} disappeared from OpenStack`, 'OpenStackNotFound');
        if (k.failed.includes(r.status)) throw ApplicationFailure.nonRetryable(`${kind} ${openstackId} went into ${r.status}${r.fault ? `: ${r.fault}` : ''}`, 'ResourceFailed', { status: r.status });
        if (!k.ready || k.ready.includes(r.status)) return stateOf(kind, r);
        Context.current().heartbeat({ status: r.status });
        await sleep(pollMs);
      }
    },

    async readResourceObject({ kind, openstackId, projectId }: { kind: OperatedKind; openstackId: string; projectId: string | null }): Promise<ObjectState | null> {
      const r = await fetchOne(await cloud(projectId), kind, openstackId);
      return r ? stateOf(kind, r) : null;
    },

    /** Deletes the object (already gone is fine) and waits until OpenStack no longer has it. */
    async deleteResourceObject({ kind, openstackId, projectId }: { kind: OperatedKind; openstackId: string; projectId: string | null }): Promise<void> {
      const c = await cloud(projectId);
      const k = kinds[kind];
      try {
        if (kind === 'router') {
          // Neutron refuses to delete a router with interfaces: detach them first.
          const ports = await c.call<Row>('network', 'GET', `/v2.0/ports?device_id=${openstackId}&device_owner=network:router_interface`);
          for (const p of ports.ports as Row[]) for (const ip of p.fixed_ips ?? []) await c.call('network', 'PUT', `/v2.0/routers/${openstackId}/remove_router_interface`, { subnet_id: ip.subnet_id }).catch((e) => { if (!isNotFound(e)) throw e; });
        }
        await c.call(k.service, 'DELETE', `${k.path}/${openstackId}`);
      } catch (e) {
        if (!isNotFound(e)) throw refusal(e);
      }
      for (;;) {
        const r = await fetchOne(c, kind, openstackId);
        if (!r || r.status === 'deleted') return;
        if (r.status === 'error_deleting') throw ApplicationFailure.nonRetryable(`OpenStack failed to delete ${kind} ${openstackId} (error_deleting)`, 'ResourceFailed');
        Context.current().heartbeat({ status: r.status });
        await sleep(pollMs);
      }
    },

    /** One change of an existing object; answers its state afterwards (settled, for attach/detach). */
    async changeResourceObject({ kind, op, openstackId, params, projectId }: { kind: OperatedKind; op: ChangeOp; openstackId: string; params: Params; projectId: string | null }): Promise<ObjectState> {
      const c = await cloud(projectId);
      const k = kinds[kind];
      try {
        switch (op) {
          case 'update': {
            const fields: Row = {};
            if (params.name !== undefined) fields.name = params.name;
            if (kind === 'network') {
              if (params.shared !== undefined) fields.shared = params.shared;
              if (params.adminStateUp !== undefined) fields.admin_state_up = params.adminStateUp;
            }
            if (kind === 'subnet') {
              if (params.gatewayIp !== undefined) fields.gateway_ip = params.gatewayIp;
              if (params.enableDhcp !== undefined) fields.enable_dhcp = params.enableDhcp;
              if (params.dnsNameservers !== undefined) fields.dns_nameservers = params.dnsNameservers;
            }
            if (kind === 'router' && params.externalGateway !== undefined) {
              fields.external_gateway_info = params.externalGateway ? { network_id: params.externalNetworkId ?? (await externalNetwork(c)) } : {};
            }
            await c.call(k.service, 'PUT', `${k.path}/${openstackId}`, { [k.one]: fields });
            break;
          }
          case 'attach':
            await c.call('compute', 'POST', `/servers/${params.serverOpenstackId}/os-volume_attachments`, { volumeAttachment: { volumeId: openstackId } });
            break;
          case 'detach':
            await c.call('compute', 'DELETE', `/servers/${params.serverOpenstackId}/os-volume_attachments/${openstackId}`);
            break;
          case 'add_interface':
            await c.call('network', 'PUT', `/v2.0/routers/${openstackId}/add_router_interface`, { subnet_id: params.subnetOpenstackId });
            break;
          case 'remove_interface':
            await c.call('network', 'PUT', `/v2.0/routers/${openstackId}/remove_router_interface`, { subnet_id: params.subnetOpenstackId });
            break;
          case 'associate': {
            // The instance's first port; null disassociates.
            let portId: string | null = null;
            if (params.serverOpenstackId) {
              const ports = await c.call<Row>('network', 'GET', `/v2.0/ports?device_id=${params.serverOpenstackId}`);
              const port = (ports.ports as Row[])[0];
              if (!port) throw ApplicationFailure.nonRetryable(`server ${params.serverOpenstackId} has no port to associate the floating IP with`, 'InvalidResourceState');
              portId = String(port.id);
            }
            await c.call('network', 'PUT', `/v2.0/floatingips/${openstackId}`, { floatingip: { port_id: portId } });
            break;
          }
          case 'add_rule':
            await c.call('network', 'POST', '/v2.0/security-group-rules', {
              security_group_rule: { security_group_id: openstackId, direction: params.direction, ethertype: params.ethertype ?? 'IPv4', protocol: params.protocol ?? null, port_range_min: params.portRangeMin ?? null, port_range_max: params.portRangeMax ?? null, remote_ip_prefix: params.remoteIpPrefix ?? null },
            });
            break;
          case 'remove_rule':
            await c.call('network', 'DELETE', `/v2.0/security-group-rules/${params.ruleId}`);
            break;
        }
      } catch (e) {
        throw refusal(e);
      }
      if (op === 'attach' || op === 'detach') {
        const want = op === 'attach' ? 'in-use' : 'available';
        for (;;) {
          const r = await fetchOne(c, kind, openstackId);
          if (!r) throw ApplicationFailure.nonRetryable(`${kind} ${openstackId} disappeared from OpenStack`, 'OpenStackNotFound');
          if (r.status === want) return stateOf(kind, r);
          if (r.status === 'error') throw ApplicationFailure.nonRetryable(`volume ${openstackId} went into ${r.status}`, 'ResourceFailed');
          Context.current().heartbeat({ status: r.status });
          await sleep(pollMs);
        }
      }
      const after = await fetchOne(c, kind, openstackId);
      if (!after) throw ApplicationFailure.nonRetryable(`${kind} ${openstackId} disappeared from OpenStack`, 'OpenStackNotFound');
      return stateOf(kind, after);
    },
  };
}

export type ResourceOperateActivities = ReturnType<typeof createResourceOperateActivities>;
