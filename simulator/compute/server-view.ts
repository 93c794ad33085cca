import type { Server } from './model';
import type { ComputeContext } from './microversion';
import type { ComputeService } from './service';
import { statusFromState } from './state-map';
import { resourceLinks } from './links';
import { serverFlavorView } from './flavor-view';

/** `host_status` (2.16+): UP, DOWN, MAINTENANCE (disabled) or UNKNOWN, '' without a host. */
function hostStatus(svc: ComputeService, s: Server): string {
  if (!s.host) return '';
  const h = svc.store.hosts.get(s.host);
  if (!h) return 'UNKNOWN';
  if (!svc.store.serviceUp(h)) return h.forcedDown ? 'DOWN' : 'UNKNOWN';
  return h.disabled ? 'MAINTENANCE' : 'UP';
}

export const instanceName = (s: Server): string => `instance-${s.seq.toString(16).padStart(8, '0')}`;

/** GET /servers (no detail): id, name, links. */
export function serverSummaryView(c: ComputeContext, s: Server) {
  return { id: s.id, name: s.name, links: resourceLinks(c, 'servers', s.id) };
}

/** Statuses Nova shows `progress` for. */
const progressStatuses = ['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING'];

/** Attributes of Nova's API extensions that the answers to PUT /servers/{id} and rebuild leave out before 2.75. */
const extensionAttrs = [
  'OS-EXT-AZ:availability_zone',
  'config_drive',
  'key_name',
  'OS-SRV-USG:launched_at',
  'OS-SRV-USG:terminated_at',
  'OS-EXT-STS:task_state',
  'OS-EXT-STS:vm_state',
  'OS-EXT-STS:power_state',
  'os-extended-volumes:volumes_attached',
  'security_groups',
  'host_status',
];

/**
 * A server as GET /servers/{id} shows it at the negotiated microversion and the caller's role.
 * `updateAnswer`: the answer to an update or rebuild, which before 2.75 lacks the extension
 * attributes (and the address extensions), as Nova's view builder is told then.
 */
export function serverDetailView(c: ComputeContext, svc: ComputeService, s: Server, updateAnswer = false) {
  const mv = c.get('mv');
  const brief = updateAnswer && mv < 75;
  const admin = c.get('auth').isAdmin && !brief;
  const status = s.deleted ? 'DELETED' : statusFromState(s.vmState, s.taskState);
  const v: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    status,
    tenant_id: s.projectId,
    user_id: s.userId,
    metadata: { ...s.metadata },
    hostId: svc.store.hostIdOf(s),
    image: s.imageId ? { id: s.imageId, links: resourceLinks(c, 'images', s.imageId).slice(1) } : '',
    flavor: serverFlavorView(c, s.flavor),
    created: s.createdAt,
    updated: s.updatedAt,
    addresses: svc.networking.addresses(s),
    accessIPv4: s.accessIPv4,
    accessIPv6: s.accessIPv6,
    links: resourceLinks(c, 'servers', s.id),
    'OS-DCF:diskConfig': 'MANUAL',
    progress: progressStatuses.includes(status) ? s.progress : undefined,
    'OS-EXT-AZ:availability_zone': s.az,
    config_drive: s.configDrive,
    key_name: s.keyName,
    'OS-SRV-USG:launched_at': s.launchedAt,
    'OS-SRV-USG:terminated_at': s.terminatedAt,
    'OS-EXT-STS:task_state': s.taskState,
    'OS-EXT-STS:vm_state': s.vmState,
    'OS-EXT-STS:power_state': s.powerState,
    'os-extended-volumes:volumes_attached': s.volumes.map((vol) =>
      mv >= 3 ? { id: vol.volumeId, delete_on_termination: vol.deleteOnTermination } : { id: vol.volumeId },
    ),
    security_groups: s.securityGroups.map((name) => ({ name })),
  };
  if (v.progress === undefined) delete v.progress;
  if (admin) {
    v['OS-EXT-SRV-ATTR:host'] = s.host;
    v['OS-EXT-SRV-ATTR:hypervisor_hostname'] = s.host;
    v['OS-EXT-SRV-ATTR:instance_name'] = instanceName(s);
    if (mv >= 3) {
      v['OS-EXT-SRV-ATTR:reservation_id'] = s.reservationId;
      v['OS-EXT-SRV-ATTR:launch_index'] = 0;
      v['OS-EXT-SRV-ATTR:kernel_id'] = '';
      v['OS-EXT-SRV-ATTR:ramdisk_id'] = '';
      v['OS-EXT-SRV-ATTR:root_device_name'] = '/dev/vda';
      v['OS-EXT-SRV-ATTR:user_data'] = s.userData;
    }
  }
  if (mv >= 3 && (admin || mv >= 90)) v['OS-EXT-SRV-ATTR:hostname'] = s.hostname;
  if ((status === 'ERROR' || status === 'DELETED') && s.fault) {
    v.fault = {
      code: s.fault.code,
      created: s.fault.created,
      message: s.fault.message,
      ...(admin ? { details: s.fault.details ?? '' } : {}),
    };
  }
  if (mv >= 9) v.locked = s.locked;
  if (mv >= 16 && admin) v.host_status = hostStatus(svc, s);
  if (mv >= 19) v.description = s.description;
  if (mv >= 26) v.tags = [...s.tags];
  if (mv >= 63) v.trusted_image_certificates = null;
  if (mv >= 73) v.locked_reason = s.lockedReason;
  if (mv >= 96) v.pinned_availability_zone = null;
  if (brief) {
    for (const k of extensionAttrs) delete v[k];
    v.addresses = svc.networking.plainAddresses(s);
  }
  return v;
}
