import { badRequest, forbidden, invalidVolume } from './errors';
import type { Caller, VolumeStatus } from './model';
import type { VolumeService } from './service';
import { asBool } from './snapshots';
import { uploadToImage } from './upload';

/** `POST /volumes/{id}/action`: the os-volume_actions Nova and operators use. Returns a body for 200 actions. */
export function volumeAction(
  svc: VolumeService,
  caller: Caller,
  id: string,
  body: Record<string, unknown>,
): { status: 200 | 202; body?: unknown } {
  const keys = Object.keys(body);
  if (keys.length !== 1) throw badRequest('Invalid request body: one action expected.');
  const action = keys[0];
  const arg = (body[action] ?? {}) as Record<string, unknown>;
  const v = svc.getVolume(caller, id);
  switch (action) {
    case 'os-reserve': {
      svc.reserveVolume(caller, id, '');
      v.status = 'attaching';
      return { status: 202 };
    }
    case 'os-unreserve': {
      if (v.status !== 'attaching' && v.status !== 'reserved') return { status: 202 };
      for (const a of svc.volumeAttachments(id)) if (a.status !== 'attached') svc.removeAttachment(a);
      return { status: 202 };
    }
    case 'os-attach': {
      const server = arg.instance_uuid;
      if (typeof server !== 'string' && typeof arg.host_name !== 'string')
        throw badRequest('Invalid request to attach volume to an invalid target');
      const mode = arg.mode ?? 'rw';
      if (mode !== 'rw' && mode !== 'ro')
        throw badRequest(
          "Invalid request to attach volume with an invalid mode. Attaching mode should be 'rw' or 'ro'",
        );
      const pending = svc
        .volumeAttachments(id)
        .find((a) => a.status !== 'attached' && (a.instance === '' || a.instance === server));
      const att = pending ?? svc.reserveVolume(caller, id, String(server ?? ''));
      att.instance = String(server ?? att.instance);
      att.attach_mode = mode;
      svc.attachVolume(att.id, {
        device: typeof arg.mountpoint === 'string' ? arg.mountpoint : undefined,
        hostName: typeof arg.host_name === 'string' ? arg.host_name : undefined,
      });
      return { status: 202 };
    }
    case 'os-begin_detaching':
      svc.beginDetaching(id);
      return { status: 202 };
    case 'os-roll_detaching':
      if (v.status === 'detaching') v.status = 'in-use';
      return { status: 202 };
    case 'os-detach': {
      const atts = svc.volumeAttachments(id);
      const chosen = typeof arg.attachment_id === 'string' ? atts.filter((a) => a.id === arg.attachment_id) : atts;
      if (!chosen.length)
        throw invalidVolume(
          `Volume ${id} is not attached${typeof arg.attachment_id === 'string' ? ` with attachment ${arg.attachment_id}` : ''}.`,
        );
      for (const a of chosen) svc.removeAttachment(a);
      return { status: 202 };
    }
    case 'os-extend':
      svc.extendVolume(caller, id, arg.new_size);
      return { status: 202 };
    case 'os-set_bootable':
      v.bootable = asBool(arg.bootable);
      svc.touch(v);
      return { status: 200 };
    case 'os-update_readonly_flag':
      // Cinder keeps the flag as Python prints a boolean.
      v.metadata = { ...v.metadata, readonly: asBool(arg.readonly) ? 'True' : 'False' };
      svc.touch(v);
      return { status: 202 };
    case 'os-reset_status': {
      if (!caller.isAdmin) throw forbidden('volume_extension:volume_admin_actions:reset_status');
      if (typeof arg.status === 'string') v.status = arg.status as VolumeStatus;
      svc.touch(v);
      return { status: 202 };
    }
    case 'os-force_delete':
      if (!caller.isAdmin) throw forbidden('volume_extension:volume_admin_actions:force_delete');
      for (const a of svc.volumeAttachments(id)) svc.removeAttachment(a);
      for (const s of [...svc.snapshots.values()]) if (s.volume_id === id) svc.snapshots.delete(s.id);
      v.status = 'available';
      svc.deleteVolume(caller, id);
      return { status: 202 };
    case 'os-initialize_connection': {
      const connector = arg.connector as Record<string, unknown> | undefined;
      if (!connector || typeof connector !== 'object') throw badRequest('Must specify connector.');
      return {
        status: 200,
        body: {
          connection_info: {
            driver_volume_type: 'iscsi',
            data: {
              target_discovered: false,
              target_iqn: `iqn.2010-10.org.openstack:volume-${id}`,
              target_portal: '127.0.0.1:3260',
              target_lun: 1,
              volume_id: id,
              access_mode: 'rw',
            },
          },
        },
      };
    }
    case 'os-terminate_connection':
      return { status: 202 };
    case 'os-volume_upload_image':
      return { status: 202, body: { 'os-volume_upload_image': uploadToImage(svc, caller, v, arg) } };
    default:
      throw badRequest(`There is no such action: ${action}`);
  }
}
