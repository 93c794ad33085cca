import { randomBytes } from 'node:crypto';
import type { Flavor, Server, ServerVolume } from './model';
import type { ComputeContext } from './microversion';
import type { ComputeService } from './service';
import { NetworkAllocationFailed, type NicRequest } from './networking';
import { badRequest, forbidden, policyForbidden } from './errors';
import {
  isBase64,
  isUuid,
  optAccessIp,
  optPositiveInt,
  optString,
  rejectUnknown,
  requireObject,
  schemaError,
  validMetadata,
  validName,
} from './validation';
import { selectHost, NO_VALID_HOST } from './scheduler';
import { PowerState, VmState } from './state-map';
import { checkServerQuota, checkMetadataQuota } from './quota';

type Obj = Record<string, unknown>;

export interface BdmSpec {
  bootIndex: number | null;
  sourceType: 'image' | 'volume' | 'snapshot' | 'blank';
  destinationType: 'volume' | 'local';
  uuid?: string;
  volumeSize?: number;
  deleteOnTermination: boolean;
  deviceName?: string;
  tag?: string;
}

export interface CreateSpec {
  name: string;
  flavor: Flavor;
  imageId: string;
  networks: NicRequest[] | 'auto' | 'none' | undefined;
  keyName: string | null;
  userData: string | null;
  metadata: Record<string, string>;
  az: string;
  host?: string;
  adminPass: string;
  securityGroups: string[];
  bdms: BdmSpec[];
  minCount: number;
  maxCount: number;
  returnReservationId: boolean;
  accessIPv4: string;
  accessIPv6: string;
  description: string | null;
  tags: string[];
  hostname?: string;
  configDrive: string;
  /** `os:scheduler_hints.group`: the server group the servers join. */
  groupId?: string;
}

function allowedKeys(mv: number): Set<string> {
  const keys = [
    'name',
    'imageRef',
    'flavorRef',
    'adminPass',
    'metadata',
    'networks',
    'key_name',
    'user_data',
    'availability_zone',
    'block_device_mapping',
    'block_device_mapping_v2',
    'security_groups',
    'config_drive',
    'min_count',
    'max_count',
    'return_reservation_id',
    'accessIPv4',
    'accessIPv6',
    'OS-DCF:diskConfig',
  ];
  if (mv < 57) keys.push('personality');
  if (mv >= 19) keys.push('description');
  if (mv >= 52) keys.push('tags');
  if (mv >= 63) keys.push('trusted_image_certificates');
  if (mv >= 74) keys.push('host', 'hypervisor_hostname');
  if (mv >= 90) keys.push('hostname');
  return new Set(keys);
}

/** Validates a POST /servers body the way Nova's schema and API layer do. */
export function parseCreate(c: ComputeContext, svc: ComputeService, body: Obj): CreateSpec {
  const mv = c.get('mv');
  const auth = c.get('auth');
  const s = requireObject(body, 'server');
  rejectUnknown(s, allowedKeys(mv), 'server');
  if (s.name === undefined)
    throw badRequest(
      `Invalid input for field/attribute server. Value: ${JSON.stringify(s)}. 'name' is a required property`,
    );
  const name = validName(s.name);
  if (s.flavorRef === undefined)
    throw badRequest(
      `Invalid input for field/attribute server. Value: ${JSON.stringify(s)}. 'flavorRef' is a required property`,
    );
  const flavorRef = String(s.flavorRef).split('/').pop()!;
  const flavor = svc.store.visibleFlavor(flavorRef, auth);
  if (!flavor) throw badRequest(`Flavor ${flavorRef} could not be found.`);
  if (flavor.disabled) throw badRequest('Invalid flavorRef provided.');

  // networks
  let networks: CreateSpec['networks'];
  if (s.networks === undefined) {
    if (mv >= 37)
      throw badRequest(
        `Invalid input for field/attribute server. Value: ${JSON.stringify(s)}. 'networks' is a required property`,
      );
  } else if (s.networks === 'auto' || s.networks === 'none') {
    if (mv < 37) throw schemaError('networks', s.networks, `'${s.networks}' is not of type 'array'`);
    networks = s.networks;
  } else if (Array.isArray(s.networks)) {
    networks = s.networks.map((n, i) => {
      if (!n || typeof n !== 'object')
        throw schemaError(`networks/${i}`, n, `${JSON.stringify(n)} is not of type 'object'`);
      const o = n as Obj;
      rejectUnknown(o, new Set(['uuid', 'port', 'fixed_ip', ...(mv >= 32 ? ['tag'] : [])]), `networks/${i}`);
      if (o.uuid !== undefined && !isUuid(o.uuid))
        throw badRequest(`Bad networks format: network uuid is not in proper format (${String(o.uuid)})`);
      if (o.port !== undefined && o.port !== null && !isUuid(o.port))
        throw schemaError(`networks/${i}/port`, o.port, `'${String(o.port)}' is not a 'uuid'`);
      if (o.fixed_ip !== undefined && typeof o.fixed_ip !== 'string')
        throw schemaError(`networks/${i}/fixed_ip`, o.fixed_ip, 'is not an IP address');
      if (!o.uuid && !o.port) throw badRequest('Bad networks format: network uuid is not in proper format');
      return {
        networkId: o.uuid as string | undefined,
        portId: (o.port as string | undefined) ?? undefined,
        fixedIp: o.fixed_ip as string | undefined,
        tag: o.tag as string | undefined,
      };
    });
  } else throw schemaError('networks', s.networks, `${JSON.stringify(s.networks)} is not of type 'array'`);

  // block devices
  const bdms = parseBdms(s.block_device_mapping_v2, mv);
  const bootVolume = bdms.find((b) => b.bootIndex === 0 && b.destinationType === 'volume');
  let imageId = '';
  const imageRef = s.imageRef === undefined || s.imageRef === '' ? undefined : String(s.imageRef).split('/').pop()!;
  if (!bootVolume) {
    const localImage = bdms.find((b) => b.bootIndex === 0 && b.sourceType === 'image')?.uuid;
    imageId = imageRef ?? localImage ?? '';
    if (!imageId) throw badRequest('Missing imageRef attribute');
    if (!isUuid(imageId)) throw badRequest('Invalid imageRef provided.');
    const img = svc.images.get(auth, imageId);
    if (flavor.disk > 0 && img.minDisk > flavor.disk)
      throw badRequest("Flavor's disk is too small for requested image.");
    if (img.minRam > flavor.ram) throw badRequest("Flavor's memory is too small for requested image.");
  }

  const keyName = optString(s, 'key_name') ?? null;
  if (keyName !== null && !svc.store.keypairs.has(`${auth.userId}/${keyName}`))
    throw badRequest('Invalid key_name provided.');

  let userData: string | null = null;
  if (s.user_data !== undefined && s.user_data !== null) {
    if (typeof s.user_data !== 'string' || !isBase64(s.user_data))
      throw badRequest('User data needs to be valid base 64.');
    if (s.user_data.length > 65535) throw schemaError('user_data', '...', 'is too long');
    userData = s.user_data;
  }
  const metadata = s.metadata === undefined ? {} : validMetadata(s.metadata);
  checkMetadataQuota(svc, auth.projectId, Object.keys(metadata).length);

  if (s.personality !== undefined) {
    if (!Array.isArray(s.personality)) throw schemaError('personality', s.personality, "is not of type 'array'");
    for (const p of s.personality as Obj[]) {
      if (typeof p?.path !== 'string' || typeof p?.contents !== 'string')
        throw schemaError('personality', p, "'path' and 'contents' are required properties");
      if (!isBase64(p.contents)) throw badRequest(`Personality content for ${p.path} cannot be decoded`);
    }
    const limit = svc.store.quotaOf(auth.projectId).injected_files;
    if (limit >= 0 && s.personality.length > limit) throw forbidden('Personality file limit exceeded');
  }

  // availability zone and requested host
  let az = 'nova';
  let host: string | undefined;
  const azIn = optString(s, 'availability_zone');
  if (azIn) {
    const [zone, forcedHost] = azIn.split(':');
    if (forcedHost !== undefined) {
      if (!auth.isAdmin) throw policyForbidden('os_compute_api:servers:create:forced_host');
      host = forcedHost;
    }
    if (zone) {
      const zones = new Set([...svc.store.hosts.values()].map((h) => h.az));
      if (!zones.has(zone)) throw badRequest('The requested availability zone is not available');
      az = zone;
    }
  }
  const reqHost = optString(s, 'host') ?? optString(s, 'hypervisor_hostname');
  if (reqHost !== undefined) {
    if (!auth.isAdmin) throw policyForbidden('compute:servers:create:requested_destination');
    if (!svc.store.hosts.has(reqHost)) throw badRequest(`Compute host ${reqHost} could not be found.`);
    host = reqHost;
  }

  const minCount = optPositiveInt(s, 'min_count') ?? 1;
  const maxCount = optPositiveInt(s, 'max_count') ?? minCount;
  if (maxCount < minCount) throw badRequest('min_count must be <= max_count');

  let securityGroups = ['default'];
  if (s.security_groups !== undefined) {
    if (!Array.isArray(s.security_groups))
      throw schemaError('security_groups', s.security_groups, "is not of type 'array'");
    securityGroups = (s.security_groups as Obj[]).map((g) => String(g?.name ?? ''));
  }
  let tags: string[] = [];
  if (s.tags !== undefined) {
    if (
      !Array.isArray(s.tags) ||
      s.tags.some((t) => typeof t !== 'string' || t.length > 60 || t.includes('/') || t.includes(','))
    )
      throw schemaError('tags', s.tags, 'is not a valid list of tags');
    if (s.tags.length > 50) throw schemaError('tags', s.tags, 'is too long');
    tags = [...new Set(s.tags as string[])];
  }
  const adminPass = optString(s, 'adminPass') ?? randomBytes(9).toString('base64url').slice(0, 12);
  if (s.return_reservation_id !== undefined && typeof s.return_reservation_id !== 'boolean')
    throw schemaError('return_reservation_id', s.return_reservation_id, "is not of type 'boolean'");

  return {
    name,
    flavor,
    imageId,
    networks,
    keyName,
    userData,
    metadata,
    az,
    host,
    adminPass,
    securityGroups,
    bdms,
    minCount,
    maxCount,
    returnReservationId: s.return_reservation_id === true,
    accessIPv4: optAccessIp(s, 'accessIPv4') ?? '',
    accessIPv6: optAccessIp(s, 'accessIPv6') ?? '',
    description: mv >= 19 ? (optString(s, 'description') ?? null) : null,
    tags,
    hostname: optString(s, 'hostname'),
    groupId: parseGroupHint(c, svc, body),
    configDrive: s.config_drive === true || s.config_drive === 'True' ? 'True' : '',
  };
}

function parseGroupHint(c: ComputeContext, svc: ComputeService, body: Obj): string | undefined {
  const hints = (body['os:scheduler_hints'] ?? body['OS-SCH-HNT:scheduler_hints']) as Obj | undefined;
  const group = hints && typeof hints === 'object' ? hints.group : undefined;
  if (group === undefined) return undefined;
  const g = typeof group === 'string' ? svc.store.serverGroups.get(group) : undefined;
  const a = c.get('auth');
  if (!g || (!a.isAdmin && g.projectId !== a.projectId))
    throw badRequest(
      `Invalid input for field/attribute group. Value: ${String(group)}. Instance group ${String(group)} could not be found.`,
    );
  return g.id;
}

function parseBdms(raw: unknown, mv: number): BdmSpec[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw schemaError('block_device_mapping_v2', raw, "is not of type 'array'");
  return raw.map((b, i) => {
    if (!b || typeof b !== 'object') throw schemaError(`block_device_mapping_v2/${i}`, b, "is not of type 'object'");
    const o = b as Obj;
    const sourceType = o.source_type as BdmSpec['sourceType'];
    if (!['image', 'volume', 'snapshot', 'blank'].includes(sourceType as string))
      throw schemaError(
        `block_device_mapping_v2/${i}/source_type`,
        o.source_type,
        "is not one of ['volume', 'image', 'snapshot', 'blank']",
      );
    const destinationType = (o.destination_type ?? 'local') as BdmSpec['destinationType'];
    if (!['volume', 'local'].includes(destinationType))
      throw schemaError(
        `block_device_mapping_v2/${i}/destination_type`,
        o.destination_type,
        "is not one of ['local', 'volume']",
      );
    const bootIndex =
      o.boot_index === undefined || o.boot_index === null || o.boot_index === 'none' ? null : Number(o.boot_index);
    const volumeSize = o.volume_size === undefined || o.volume_size === null ? undefined : Number(o.volume_size);
    if (sourceType !== 'blank' && !isUuid(o.uuid))
      throw badRequest('Block Device Mapping is Invalid: uuid must be given for this source type.');
    if (destinationType === 'volume' && (sourceType === 'image' || sourceType === 'blank') && !volumeSize)
      throw badRequest(`Images with destination_type 'volume' need to have a non-zero size specified`);
    if (o.tag !== undefined && mv < 32)
      throw schemaError(
        `block_device_mapping_v2/${i}`,
        o,
        "Additional properties are not allowed ('tag' was unexpected)",
      );
    return {
      bootIndex,
      sourceType,
      destinationType,
      uuid: o.uuid as string | undefined,
      volumeSize,
      deleteOnTermination:
        o.delete_on_termination === true || o.delete_on_termination === 'True' || o.delete_on_termination === 'true',
      deviceName: o.device_name as string | undefined,
      tag: o.tag as string | undefined,
    };
  });
}

const deviceLetters = 'abcdefghijklmnopqrstuvwxyz';
/** Next free `/dev/vdX` on a server. */
export function nextDevice(s: Server): string {
  const used = new Set(s.volumes.map((v) => v.device));
  if (s.imageId) used.add('/dev/vda'); // the image-backed root disk
  for (const l of deviceLetters) if (!used.has(`/dev/vd${l}`)) return `/dev/vd${l}`;
  return `/dev/vd${s.volumes.length}`;
}

/** Creates `spec.maxCount` servers (after quota checks) and starts their builds. */
export function createServers(c: ComputeContext, svc: ComputeService, spec: CreateSpec): Server[] {
  const auth = c.get('auth');
  checkServerQuota(svc, auth.projectId, spec.flavor, spec.minCount, spec.maxCount);
  const nics = svc.networking.resolveRequests(auth, spec.networks);
  svc.networking.validate(auth, nics);
  svc.networking.validateGroups(auth, spec.securityGroups);
  if (spec.maxCount > 1 && nics.some((n) => n.portId))
    throw badRequest(
      'Unable to launch multiple instances with a single configured port ID. Please launch your instance one by one with different ports.',
    );
  for (const b of spec.bdms)
    if (b.sourceType === 'volume' && b.uuid) {
      const v = svc.blockStorage.find(auth, b.uuid);
      if (!v) throw badRequest(`Block Device Mapping is Invalid: failed to get volume ${b.uuid}.`);
      if (v.status !== 'available')
        throw badRequest(
          `Invalid volume: volume ${b.uuid} status must be available, but current status is: ${v.status}.`,
        );
    }
  const reservationId = 'r-' + randomBytes(4).toString('hex');
  const out: Server[] = [];
  for (let i = 1; i <= spec.maxCount; i++) {
    const name = spec.maxCount > 1 ? `${spec.name}-${i}` : spec.name;
    out.push(createOne(c, svc, spec, name, nics, reservationId));
  }
  return out;
}

function createOne(
  c: ComputeContext,
  svc: ComputeService,
  spec: CreateSpec,
  name: string,
  nics: NicRequest[],
  reservationId: string,
): Server {
  const auth = c.get('auth');
  const store = svc.store;
  const now = svc.cloud.isoNow();
  const server: Server = {
    id: svc.cloud.newId(),
    seq: ++store.seq.server,
    name,
    projectId: auth.projectId,
    userId: auth.userId,
    flavor: { ...spec.flavor, extraSpecs: { ...spec.flavor.extraSpecs } },
    imageId: spec.imageId,
    keyName: spec.keyName,
    metadata: { ...spec.metadata },
    tags: [...spec.tags],
    vmState: VmState.BUILDING,
    taskState: 'scheduling',
    powerState: PowerState.NOSTATE,
    host: null,
    az: spec.az,
    createdAt: now,
    updatedAt: now,
    launchedAt: null,
    terminatedAt: null,
    ports: [],
    volumes: [],
    adminPass: spec.adminPass,
    userData: spec.userData,
    accessIPv4: spec.accessIPv4,
    accessIPv6: spec.accessIPv6,
    description: spec.description,
    hostname:
      spec.hostname ??
      (name
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 63) ||
        'server'),
    locked: false,
    lockedReason: null,
    configDrive: spec.configDrive,
    securityGroups: [...spec.securityGroups],
    fault: null,
    progress: 0,
    reservationId,
    oldFlavor: null,
    sourceHost: null,
    deleted: false,
    load: { cpu: 0, memoryMb: 0, rxBps: 0, txBps: 0 },
  };
  const diskGb = spec.bdms.some((b) => b.bootIndex === 0 && b.destinationType === 'volume') ? 0 : spec.flavor.disk;
  const group = spec.groupId ? store.serverGroups.get(spec.groupId) : undefined;
  const groupReq = group && {
    policy: group.policy,
    hosts: group.members.map((m) => store.servers.get(m)?.host).filter((h): h is string => !!h),
    maxPerHost: group.rules.max_server_per_host,
  };
  const host = selectHost(store, {
    flavor: server.flavor,
    diskGb,
    az: spec.host ? undefined : spec.az,
    host: spec.host,
    group: groupReq,
  });
  store.insertServer(server);
  group?.members.push(server.id);
  const action = store.recordAction(server, 'create', { userId: auth.userId, requestId: c.get('requestId') });

  if (!host) {
    const g = svc.setState(server, VmState.BUILDING, 'scheduling', PowerState.NOSTATE);
    svc.after(server, g, Math.min(svc.cloud.options.actionMs, svc.cloud.options.buildMs), () => {
      server.fault = {
        code: 500,
        message: NO_VALID_HOST,
        details: 'Traceback: nova.exception.NoValidHost',
        created: svc.cloud.isoNow(),
      };
      svc.setState(server, VmState.ERROR, null, PowerState.NOSTATE);
      store.finishAction(action, false, NO_VALID_HOST);
    });
    return server;
  }

  store.claim(host, server);
  try {
    server.ports = svc.networking.allocate(auth, server, nics);
    server.volumes = attachBootVolumes(svc, auth, server, spec.bdms);
  } catch (e) {
    svc.networking.release(server);
    if (!(e instanceof NetworkAllocationFailed)) {
      store.discard(server);
      throw e;
    }
    store.release(server);
    server.host = null;
    server.ports = [];
    const failed = svc.setState(server, VmState.BUILDING, 'networking', PowerState.NOSTATE);
    svc.after(server, failed, svc.cloud.options.buildMs, () => {
      const message = `Build of instance ${server.id} aborted: Failed to allocate the network(s), not rescheduling.`;
      server.fault = { code: 500, message, details: e.message, created: svc.cloud.isoNow() };
      svc.setState(server, VmState.ERROR, null, PowerState.NOSTATE);
      store.finishAction(action, false, message);
    });
    return server;
  }
  const g = svc.setState(server, VmState.BUILDING, 'spawning', PowerState.NOSTATE);
  svc.after(server, g, svc.cloud.options.buildMs, () => {
    server.launchedAt = svc.cloud.isoNow();
    svc.setState(server, VmState.ACTIVE, null, PowerState.RUNNING);
    store.finishAction(action, true);
  });
  return server;
}

function attachBootVolumes(
  svc: ComputeService,
  auth: { projectId: string; isAdmin: boolean; userId: string },
  server: Server,
  bdms: BdmSpec[],
): ServerVolume[] {
  const out: ServerVolume[] = [];
  const sorted = [...bdms]
    .filter((b) => b.destinationType === 'volume')
    .sort((a, b) => (a.bootIndex ?? 99) - (b.bootIndex ?? 99));
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  sorted.forEach((b, i) => {
    const device = b.deviceName ?? `/dev/vd${letters[i] ?? i}`;
    const entry: ServerVolume = {
      volumeId: b.uuid ?? '',
      attachmentId: '',
      device,
      deleteOnTermination: b.deleteOnTermination,
      bootIndex: b.bootIndex,
      tag: b.tag,
    };
    if (b.sourceType === 'volume') {
      entry.attachmentId = svc.blockStorage.attach(auth, entry.volumeId, server.id, server.host, device);
    } else {
      // Nova waits for Cinder to finish the volume before attaching it.
      entry.volumeId = svc.blockStorage.create(
        auth,
        { size: b.volumeSize ?? 1, imageId: b.sourceType === 'image' ? b.uuid : undefined, name: '' },
        (id) => {
          if (server.deleted) return;
          try {
            entry.attachmentId = svc.blockStorage.attach(auth, id, server.id, server.host, device);
          } catch {
            /* the server was deleted or the volume taken meanwhile */
          }
        },
      );
    }
    out.push(entry);
  });
  return out;
}
