import { ApplicationFailure } from '@temporalio/common';
import { Context, sleep } from '@temporalio/activity';
import type { OpenStackClient } from './client';
import type { Cloud } from './cloud';
import { failureTypeOf, isNotFound, OpenStackFailureType } from './errors';
import type { SecurityGroupRule } from './network';
import { driftKinds } from '../../domain/operate/drift';

/**
 * Volumes, volume snapshots, networks, subnets, routers, floating IPs, security groups and images:
 * create / change / delete in a tenant's project, each create tagged with the platform's resource
 * id (Neutron `description`, Cinder metadata, Glance property) and looked up before it is made again.
 */
/** The kinds operated directly: every kind the drift reconciler compares but servers, which have workflows of their own. */
export type OperatedKind = Exclude<(typeof driftKinds)[number], 'server'>;
export const operatedKinds = driftKinds.filter((k): k is OperatedKind => k !== 'server');
export type ChangeOp =
  'update' | 'attach' | 'detach' | 'add_interface' | 'remove_interface' | 'associate' | 'add_rule' | 'remove_rule';

type Row = Record<string, any>;
type Params = Record<string, any>;

export interface ObjectState {
  openstackId: string;
  name: string;
  osStatus: string | null;
  attributes: Record<string, unknown>;
}

export const tagOf = (resourceId: string) => `cmp:${resourceId}`;

interface KindApi {
  get: (c: OpenStackClient, id: string) => Promise<Row>;
  /** Finds an object a previous attempt created. */
  find: (c: OpenStackClient, tag: string, p: Params) => Promise<Row | undefined>;
  create: (c: OpenStackClient, p: Params, tag: string, projectId: string | null) => Promise<Row>;
  update: (c: OpenStackClient, id: string, fields: Row) => Promise<unknown>;
  remove: (c: OpenStackClient, id: string) => Promise<void>;
  /** Settled statuses (null: ready as soon as it exists) and statuses meaning failure. */
  ready: string[] | null;
  failed: string[];
  /** Statuses of an object still being made, which OpenStack refuses to delete until they end. */
  creating?: string[];
  view: (r: Row) => Record<string, unknown>;
}

/** Neutron objects carry the tag as their description, Cinder ones as metadata. */
const byDescription = (tag: string) => ({ description: tag });
const byMetadata = (tag: string) => ({ metadata: JSON.stringify({ cmp_resource: tag }) });
const withProject = (projectId: string | null) => (projectId ? { project_id: projectId } : {});

const kinds: Record<OperatedKind, KindApi> = {
  volume: {
    get: (c, id) => c.blockStorage.getVolume(id),
    find: async (c, tag) => (await c.blockStorage.listVolumes(byMetadata(tag)))[0],
    create: (c, p, tag) =>
      c.blockStorage.createVolume({
        name: p.name,
        size: p.sizeGb,
        ...(p.description ? { description: p.description } : {}),
        ...(p.source?.type === 'snapshot' ? { snapshot_id: p.source.openstackId } : {}),
        ...(p.source?.type === 'volume' ? { source_volid: p.source.openstackId } : {}),
        ...(p.source?.type === 'image' ? { imageRef: p.source.imageId } : {}),
        ...(p.volumeTypeId ? { volume_type: p.volumeTypeId } : {}),
        metadata: { cmp_resource: tag },
      }),
    update: (c, id, f) => c.blockStorage.updateVolume(id, f),
    remove: (c, id) => c.blockStorage.deleteVolume(id),
    ready: ['available', 'in-use'],
    failed: ['error', 'error_restoring', 'error_extending'],
    creating: ['creating'],
    view: (r) => ({
      sizeGb: r.size,
      bootable: r.bootable === 'true' || r.bootable === true,
      attachments: (r.attachments ?? []).map((a: Row) => ({
        serverId: a.server_id,
        device: a.device ?? null,
        attachmentId: a.attachment_id ?? a.id,
      })),
      sourceSnapshotId: r.snapshot_id ?? null,
      sourceVolumeId: r.source_volid ?? null,
      projectId: r['os-vol-tenant-attr:tenant_id'] ?? null,
    }),
  },
  snapshot: {
    get: (c, id) => c.blockStorage.getSnapshot(id),
    find: async (c, tag) => (await c.blockStorage.listSnapshots(byMetadata(tag)))[0],
    create: (c, p, tag) =>
      c.blockStorage.createSnapshot({
        volume_id: p.volumeOpenstackId,
        name: p.name,
        force: true,
        metadata: { cmp_resource: tag },
      }),
    update: (c, id, f) => c.blockStorage.updateSnapshot(id, f),
    remove: (c, id) => c.blockStorage.deleteSnapshot(id),
    ready: ['available'],
    failed: ['error'],
    creating: ['creating'],
    view: (r) => ({ volumeId: r.volume_id, sizeGb: r.size }),
  },
  network: {
    get: (c, id) => c.network.getNetwork(id),
    find: async (c, tag) => (await c.network.listNetworks(byDescription(tag)))[0],
    create: (c, p, tag, projectId) =>
      c.network.createNetwork({
        name: p.name,
        shared: p.shared ?? false,
        admin_state_up: p.adminStateUp ?? true,
        description: tag,
        ...withProject(projectId),
      }),
    update: (c, id, f) => c.network.updateNetwork(id, f),
    remove: (c, id) => c.network.deleteNetwork(id),
    ready: null,
    failed: [],
    view: (r) => ({
      shared: r.shared,
      adminStateUp: r.admin_state_up,
      subnets: r.subnets ?? [],
      external: r['router:external'] ?? false,
      mtu: r.mtu ?? null,
    }),
  },
  subnet: {
    get: (c, id) => c.network.getSubnet(id),
    find: async (c, tag) => (await c.network.listSubnets(byDescription(tag)))[0],
    create: (c, p, tag, projectId) =>
      c.network.createSubnet({
        name: p.name,
        network_id: p.networkOpenstackId,
        cidr: p.cidr,
        ip_version: p.ipVersion ?? 4,
        enable_dhcp: p.enableDhcp ?? true,
        ...(p.gatewayIp !== undefined ? { gateway_ip: p.gatewayIp } : {}),
        ...(p.dnsNameservers ? { dns_nameservers: p.dnsNameservers } : {}),
        description: tag,
        ...withProject(projectId),
      }),
    update: (c, id, f) => c.network.updateSubnet(id, f),
    remove: (c, id) => c.network.deleteSubnet(id),
    ready: null,
    failed: [],
    view: (r) => ({
      networkId: r.network_id,
      cidr: r.cidr,
      ipVersion: r.ip_version,
      gatewayIp: r.gateway_ip,
      enableDhcp: r.enable_dhcp,
      dnsNameservers: r.dns_nameservers ?? [],
      allocationPools: r.allocation_pools ?? [],
    }),
  },
  router: {
    get: (c, id) => c.network.getRouter(id),
    find: async (c, tag) => (await c.network.listRouters(byDescription(tag)))[0],
    create: (c, p, tag, projectId) =>
      c.network.createRouter({
        name: p.name,
        admin_state_up: true,
        description: tag,
        ...(p.externalNetworkId ? { external_gateway_info: { network_id: p.externalNetworkId } } : {}),
        ...withProject(projectId),
      }),
    update: (c, id, f) => c.network.updateRouter(id, f),
    remove: (c, id) => c.network.deleteRouter(id),
    ready: null,
    failed: [],
    view: (r) => ({
      externalGateway: r.external_gateway_info
        ? {
            networkId: r.external_gateway_info.network_id,
            ips: (r.external_gateway_info.external_fixed_ips ?? []).map((f: Row) => f.ip_address),
          }
        : null,
      adminStateUp: r.admin_state_up,
    }),
  },
  floating_ip: {
    get: (c, id) => c.network.getFloatingIp(id),
    find: async (c, tag) => (await c.network.listFloatingIps(byDescription(tag)))[0],
    create: (c, p, tag, projectId) =>
      c.network.createFloatingIp({
        floating_network_id: p.externalNetworkId,
        ...(p.address ? { floating_ip_address: p.address } : {}),
        description: tag,
        ...withProject(projectId),
      }),
    update: (c, id, f) => c.network.updateFloatingIp(id, f),
    remove: (c, id) => c.network.deleteFloatingIp(id),
    ready: null,
    failed: [],
    view: (r) => ({
      address: r.floating_ip_address,
      externalNetworkId: r.floating_network_id,
      portId: r.port_id ?? null,
      fixedIp: r.fixed_ip_address ?? null,
      routerId: r.router_id ?? null,
    }),
  },
  security_group: {
    get: (c, id) => c.network.getSecurityGroup(id),
    find: async (c, tag) => (await c.network.listSecurityGroups(byDescription(tag)))[0],
    create: (c, p, tag, projectId) =>
      c.network.createSecurityGroup({ name: p.name, description: tag, ...withProject(projectId) }),
    update: (c, id, f) => c.network.updateSecurityGroup(id, f),
    remove: (c, id) => c.network.deleteSecurityGroup(id),
    ready: null,
    failed: [],
    view: (r) => ({
      rules: (r.security_group_rules ?? []).map((x: Row) => ({
        id: x.id,
        direction: x.direction,
        ethertype: x.ethertype,
        protocol: x.protocol ?? null,
        portRangeMin: x.port_range_min ?? null,
        portRangeMax: x.port_range_max ?? null,
        remoteIpPrefix: x.remote_ip_prefix ?? null,
        remoteGroupId: x.remote_group_id ?? null,
      })),
    }),
  },
  image: {
    get: (c, id) => c.image.getImage(id),
    find: async (c, tag, p) => (await c.image.listImages({ name: p.name })).find((i) => i.cmp_resource === tag),
    create: (c, p, tag) =>
      c.image.createImage({
        name: p.name,
        disk_format: p.diskFormat ?? 'qcow2',
        container_format: p.containerFormat ?? 'bare',
        visibility: p.visibility ?? 'private',
        min_disk: p.minDiskGb ?? 0,
        min_ram: p.minRamMb ?? 0,
        cmp_resource: tag,
        ...(p.ownerProjectId ? { owner: p.ownerProjectId } : {}),
      }),
    update: (c, id, f) => c.image.setImageProperties(id, f),
    remove: (c, id) => c.image.deleteImage(id),
    // A registered image without data yet stays `queued` until it is uploaded or imported: registered is done.
    ready: ['active', 'queued', 'importing'],
    failed: ['killed', 'deleted'],
    view: (r) => ({
      visibility: r.visibility,
      diskFormat: r.disk_format ?? null,
      containerFormat: r.container_format ?? null,
      sizeBytes: r.size ?? null,
      minDiskGb: r.min_disk ?? null,
      owner: r.owner ?? null,
    }),
  },
};

export function stateOf(kind: OperatedKind, r: Row): ObjectState {
  return {
    openstackId: String(r.id),
    name: String(r.name ?? r.floating_ip_address ?? ''),
    osStatus: r.status ?? null,
    attributes: kinds[kind].view(r),
  };
}

export async function fetchOne(c: OpenStackClient, kind: OperatedKind, id: string): Promise<Row | null> {
  try {
    return await kinds[kind].get(c, id);
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

/** OpenStack's 4xx refusal of what the user asked is the user's answer: no retry, the cause kept. */
function refusal(e: unknown): unknown {
  if (failureTypeOf(e) === OpenStackFailureType.Conflict)
    return ApplicationFailure.nonRetryable((e as Error).message, OpenStackFailureType.InvalidResourceState);
  return e;
}

const pollMs = 300;

/** Is the volume attached to the server now? */
async function attachedTo(c: OpenStackClient, volumeId: string, serverId: string): Promise<boolean> {
  const volume = await c.blockStorage.getVolume(volumeId);
  return (volume.attachments ?? []).some((a) => a.server_id === serverId);
}

/** Neutron's rule and the one asked for allow the same traffic (its unset fields come back null). */
function sameRule(have: SecurityGroupRule, want: Partial<SecurityGroupRule>): boolean {
  const keys = [
    'direction',
    'ethertype',
    'protocol',
    'port_range_min',
    'port_range_max',
    'remote_ip_prefix',
    'remote_group_id',
  ] as const;
  return keys.every((k) => (have[k] ?? null) === (want[k] ?? null));
}

/** The cloud's external network (floating IPs and router gateways come from it when none is named). */
async function externalNetwork(c: OpenStackClient): Promise<string> {
  const [net] = await c.network.listNetworks({ 'router:external': true });
  if (!net) throw ApplicationFailure.nonRetryable('OpenStack has no external network', OpenStackFailureType.BadRequest);
  return String(net.id);
}

/**
 * Where an object lives: the tenant's project, or (null) the platform's own objects such as the
 * public images operators register, which the admin scope manages.
 */
function inProject(cloud: Cloud, projectId: string | null): OpenStackClient {
  return projectId === null ? cloud.admin() : cloud.tenant(projectId);
}

/**
 * The scope a change runs in: the tenant's project, except for what Neutron lets only admins set
 * (sharing a network: `create_network:shared`), which the admin scope does on the tenant's network.
 */
function scopeOf(
  cloud: Cloud,
  kind: OperatedKind,
  params: Params,
  projectId: string | null,
  op: 'create' | ChangeOp,
): OpenStackClient {
  const sharing =
    kind === 'network' && (op === 'create' ? params.shared === true : op === 'update' && params.shared !== undefined);
  return sharing ? cloud.admin() : inProject(cloud, projectId);
}

/** Operations on the tenant's objects, in the tenant's project. */
export function createResourceOperateActivities(cloud: Cloud) {
  const ops = {
    async createResourceObject({
      kind,
      params,
      projectId,
      tag,
    }: {
      kind: OperatedKind;
      params: Params;
      projectId: string | null;
      tag: string;
    }): Promise<ObjectState> {
      const c = scopeOf(cloud, kind, params, projectId, 'create');
      const k = kinds[kind];
      const t = tagOf(tag);
      const existing = await k.find(c, t, params);
      if (existing) return stateOf(kind, existing);
      if (
        (kind === 'floating_ip' && !params.externalNetworkId) ||
        (kind === 'router' && params.externalGateway && !params.externalNetworkId)
      ) {
        params = { ...params, externalNetworkId: await externalNetwork(c) };
      }
      try {
        const created = await k.create(c, params, t, projectId);
        if (kind === 'image' && params.url)
          await c.image.importImage(created.id, { name: 'web-download', uri: params.url });
        return stateOf(kind, created);
      } catch (e) {
        throw refusal(e);
      }
    },

    /** The cloud's public images (operators manage them; tenants boot from them). */
    async listPublicImages(): Promise<ObjectState[]> {
      return (await cloud.admin().image.listImages({ visibility: 'public' })).map((i) => stateOf('image', i));
    },

    /** Polls until the object reaches a settled status; a failed status fails with OpenStack's words. */
    async waitResourceReady({
      kind,
      openstackId,
      projectId,
    }: {
      kind: OperatedKind;
      openstackId: string;
      projectId: string | null;
    }): Promise<ObjectState> {
      const c = inProject(cloud, projectId);
      const k = kinds[kind];
      for (;;) {
        const r = await fetchOne(c, kind, openstackId);
        if (!r)
          throw ApplicationFailure.nonRetryable(
            `${kind} ${openstackId} disappeared from OpenStack`,
            OpenStackFailureType.NotFound,
          );
        if (k.failed.includes(r.status))
          throw ApplicationFailure.nonRetryable(
            `${kind} ${openstackId} went into ${r.status}${r.fault ? `: ${r.fault}` : ''}`,
            OpenStackFailureType.ResourceFailed,
            { status: r.status },
          );
        if (!k.ready || k.ready.includes(r.status)) return stateOf(kind, r);
        Context.current().heartbeat({ status: r.status });
        await sleep(pollMs);
      }
    },

    async readResourceObject({
      kind,
      openstackId,
      projectId,
    }: {
      kind: OperatedKind;
      openstackId: string;
      projectId: string | null;
    }): Promise<ObjectState | null> {
      const r = await fetchOne(inProject(cloud, projectId), kind, openstackId);
      return r ? stateOf(kind, r) : null;
    },

    /** Deletes the object (already gone is fine) and waits until OpenStack no longer has it. */
    async deleteResourceObject({
      kind,
      openstackId,
      projectId,
    }: {
      kind: OperatedKind;
      openstackId: string;
      projectId: string | null;
    }): Promise<void> {
      const c = inProject(cloud, projectId);
      try {
        if (kind === 'router') {
          // Neutron refuses to delete a router with interfaces: detach them first.
          const ports = await c.network.listPorts({ device_id: openstackId, device_owner: 'network:router_interface' });
          for (const p of ports) {
            for (const ip of p.fixed_ips ?? []) {
              await c.network.removeRouterInterface(openstackId, { subnet_id: ip.subnet_id }).catch((e) => {
                if (!isNotFound(e)) throw e;
              });
            }
          }
        }
        await kinds[kind].remove(c, openstackId);
      } catch (e) {
        if (!isNotFound(e)) throw refusal(e);
      }
      for (;;) {
        const r = await fetchOne(c, kind, openstackId);
        if (!r || r.status === 'deleted') return;
        if (r.status === 'error_deleting')
          throw ApplicationFailure.nonRetryable(
            `OpenStack failed to delete ${kind} ${openstackId} (error_deleting)`,
            OpenStackFailureType.ResourceFailed,
          );
        Context.current().heartbeat({ status: r.status });
        await sleep(pollMs);
      }
    },

    /**
     * Removes what a creation tagged with `tag` made, found by its tag (a creation cancelled or stopped may have made
     * it without the workflow learning its id); answers the id removed, or null when there was none. Safe to repeat.
     */
    async removeTaggedObject({
      kind,
      params,
      projectId,
      tag,
    }: {
      kind: OperatedKind;
      params: Params;
      projectId: string | null;
      tag: string;
    }): Promise<string | null> {
      let found = await kinds[kind].find(scopeOf(cloud, kind, params, projectId, 'create'), tagOf(tag), params);
      // Cinder refuses (400) to delete a volume or snapshot still being made: its creation is waited for first.
      while (found && kinds[kind].creating?.includes(String(found.status))) {
        Context.current().heartbeat({ status: found.status });
        await sleep(pollMs);
        found = (await fetchOne(inProject(cloud, projectId), kind, String(found.id))) ?? undefined;
      }
      if (!found) return null;
      await ops.deleteResourceObject({ kind, openstackId: String(found.id), projectId });
      return String(found.id);
    },

    /** One change of an existing object; answers its state afterwards (settled, for attach/detach). */
    async changeResourceObject({
      kind,
      op,
      openstackId,
      params,
      projectId,
    }: {
      kind: OperatedKind;
      op: ChangeOp;
      openstackId: string;
      params: Params;
      projectId: string | null;
    }): Promise<ObjectState> {
      const c = scopeOf(cloud, kind, params, projectId, op);
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
              fields.external_gateway_info = params.externalGateway
                ? { network_id: params.externalNetworkId ?? (await externalNetwork(c)) }
                : {};
            }
            await k.update(c, openstackId, fields);
            break;
          }
          // Attachments and rules are looked at before they are changed: a retry after a lost reply finds the
          // change made and succeeds, instead of meeting Nova's or Neutron's 409/404 for it.
          case 'attach':
            if (!(await attachedTo(c, openstackId, params.serverOpenstackId)))
              await c.compute.attachVolume(params.serverOpenstackId, openstackId);
            break;
          case 'detach':
            if (await attachedTo(c, openstackId, params.serverOpenstackId))
              await c.compute.detachVolume(params.serverOpenstackId, openstackId);
            break;
          case 'add_interface':
            await c.network.addRouterInterface(openstackId, { subnet_id: params.subnetOpenstackId });
            break;
          case 'remove_interface':
            await c.network.removeRouterInterface(openstackId, { subnet_id: params.subnetOpenstackId });
            break;
          case 'associate': {
            // The instance's first port; null disassociates.
            let portId: string | null = null;
            if (params.serverOpenstackId) {
              const [port] = await c.network.listPorts({ device_id: params.serverOpenstackId });
              if (!port)
                throw ApplicationFailure.nonRetryable(
                  `server ${params.serverOpenstackId} has no port to associate the floating IP with`,
                  OpenStackFailureType.InvalidResourceState,
                );
              portId = String(port.id);
            }
            await c.network.updateFloatingIp(openstackId, { port_id: portId });
            break;
          }
          case 'add_rule': {
            const rule = {
              security_group_id: openstackId,
              direction: params.direction,
              ethertype: params.ethertype ?? 'IPv4',
              protocol: params.protocol ?? null,
              port_range_min: params.portRangeMin ?? null,
              port_range_max: params.portRangeMax ?? null,
              remote_ip_prefix: params.remoteIpPrefix ?? null,
              ...(params.remoteGroupId ? { remote_group_id: params.remoteGroupId } : {}),
            };
            const existing = await c.network.listSecurityGroupRules({ security_group_id: openstackId });
            if (!existing.some((r) => sameRule(r, rule))) await c.network.createSecurityGroupRule(rule);
            break;
          }
          case 'remove_rule':
            try {
              await c.network.deleteSecurityGroupRule(params.ruleId);
            } catch (e) {
              // Gone already: an earlier attempt removed it.
              if (!isNotFound(e)) throw e;
            }
            break;
        }
      } catch (e) {
        throw refusal(e);
      }
      if (op === 'attach' || op === 'detach') {
        const want = op === 'attach' ? 'in-use' : 'available';
        for (;;) {
          const r = await fetchOne(c, kind, openstackId);
          if (!r)
            throw ApplicationFailure.nonRetryable(
              `${kind} ${openstackId} disappeared from OpenStack`,
              OpenStackFailureType.NotFound,
            );
          if (r.status === want) return stateOf(kind, r);
          if (r.status === 'error')
            throw ApplicationFailure.nonRetryable(
              `volume ${openstackId} went into ${r.status}`,
              OpenStackFailureType.ResourceFailed,
            );
          Context.current().heartbeat({ status: r.status });
          await sleep(pollMs);
        }
      }
      const after = await fetchOne(c, kind, openstackId);
      if (!after)
        throw ApplicationFailure.nonRetryable(
          `${kind} ${openstackId} disappeared from OpenStack`,
          OpenStackFailureType.NotFound,
        );
      return stateOf(kind, after);
    },
  };
  return ops;
}

export type ResourceOperateActivities = ReturnType<typeof createResourceOperateActivities>;
