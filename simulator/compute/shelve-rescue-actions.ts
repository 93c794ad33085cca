import { randomBytes } from 'node:crypto';
import type { ComputeContext } from './microversion';
import type { ComputeService } from './service';
import type { Server } from './model';
import { badRequest, conflict, policyForbidden } from './errors';
import { guard } from './guards';
import { PowerState, VmState } from './state-map';
import { selectHost, NO_VALID_HOST } from './scheduler';
import { schemaError } from './validation';

type Obj = Record<string, unknown>;

const ctxOf = (c: ComputeContext) => ({ userId: c.get('auth').userId, requestId: c.get('requestId') });

/**
 * Nova's rescue and shelve actions. Rescue boots the server from a rescue image (RESCUE) and
 * answers the rescue admin password; shelve stops it (SHELVED) and, after `shelved_offload_time`
 * (the `shelvedOffloadMs` option: 0 = at once, -1 = never), frees its host (SHELVED_OFFLOADED);
 * unshelve schedules it onto a host again.
 */

export function rescue(c: ComputeContext, svc: ComputeService, s: Server, arg: unknown): Response {
  if (arg !== null && (typeof arg !== 'object' || Array.isArray(arg)))
    throw schemaError('rescue', arg, "is not of type 'object', 'null'");
  const a = (arg ?? {}) as Obj;
  for (const k of Object.keys(a))
    if (!['adminPass', 'rescue_image_ref'].includes(k))
      throw badRequest(
        `Invalid input for field/attribute rescue. Additional properties are not allowed ('${k}' was unexpected)`,
      );
  if (a.adminPass !== undefined && typeof a.adminPass !== 'string')
    throw schemaError('rescue/adminPass', a.adminPass, "is not of type 'string'");
  if (a.rescue_image_ref !== undefined) {
    if (typeof a.rescue_image_ref !== 'string')
      throw schemaError('rescue/rescue_image_ref', a.rescue_image_ref, "is not of type 'string'");
    svc.images.get(c.get('auth'), a.rescue_image_ref, 'Cannot find image for rescue');
  }
  guard(c, s, 'rescue', [VmState.ACTIVE, VmState.STOPPED, VmState.ERROR]);
  const adminPass = (a.adminPass as string | undefined) ?? randomBytes(9).toString('base64url');
  const act = svc.store.recordAction(s, 'rescue', ctxOf(c));
  const g = svc.setState(s, s.vmState, 'rescuing');
  svc.after(s, g, svc.cloud.options.actionMs, () => {
    svc.setState(s, VmState.RESCUED, null, PowerState.RUNNING);
    svc.store.finishAction(act, true);
  });
  return c.json({ adminPass }, 200);
}

export function unrescue(c: ComputeContext, svc: ComputeService, s: Server): Response {
  guard(c, s, 'unrescue', [VmState.RESCUED]);
  const act = svc.store.recordAction(s, 'unrescue', ctxOf(c));
  const g = svc.setState(s, s.vmState, 'unrescuing');
  svc.after(s, g, svc.cloud.options.actionMs, () => {
    svc.setState(s, VmState.ACTIVE, null, PowerState.RUNNING);
    svc.store.finishAction(act, true);
  });
  return c.body(null, 202);
}

/** Frees the server's host: it keeps its ports and volumes, but no hypervisor resources. */
function offloadNow(svc: ComputeService, s: Server): void {
  svc.store.release(s);
  s.host = null;
  svc.setState(s, VmState.SHELVED_OFFLOADED, null, PowerState.NOSTATE);
}

export function shelve(c: ComputeContext, svc: ComputeService, s: Server): Response {
  guard(c, s, 'shelve', [VmState.ACTIVE, VmState.STOPPED, VmState.PAUSED, VmState.SUSPENDED]);
  const o = svc.cloud.options;
  const act = svc.store.recordAction(s, 'shelve', ctxOf(c));
  const g = svc.setState(s, s.vmState, 'shelving');
  svc.after(s, g, o.actionMs, () => {
    const shelved = svc.setState(s, VmState.SHELVED, null, PowerState.SHUTDOWN);
    svc.store.finishAction(act, true);
    if (o.shelvedOffloadMs === 0) offloadNow(svc, s);
    else if (o.shelvedOffloadMs > 0) svc.after(s, shelved, o.shelvedOffloadMs, () => offloadNow(svc, s));
  });
  return c.body(null, 202);
}

export function shelveOffload(c: ComputeContext, svc: ComputeService, s: Server): Response {
  guard(c, s, 'shelveOffload', [VmState.SHELVED]);
  const act = svc.store.recordAction(s, 'shelveOffload', ctxOf(c));
  const g = svc.setState(s, s.vmState, 'shelving_offloading');
  svc.after(s, g, svc.cloud.options.actionMs, () => {
    offloadNow(svc, s);
    svc.store.finishAction(act, true);
  });
  return c.body(null, 202);
}

export function unshelve(c: ComputeContext, svc: ComputeService, s: Server, arg: unknown): Response {
  const mv = c.get('mv');
  if (arg !== null && (mv < 77 || typeof arg !== 'object' || Array.isArray(arg)))
    throw schemaError('unshelve', arg, mv < 77 ? "is not of type 'null'" : "is not of type 'object', 'null'");
  const a = (arg ?? {}) as Obj;
  const allowedKeys = mv >= 91 ? ['availability_zone', 'host'] : ['availability_zone'];
  for (const k of Object.keys(a))
    if (!allowedKeys.includes(k))
      throw badRequest(
        `Invalid input for field/attribute unshelve. Additional properties are not allowed ('${k}' was unexpected)`,
      );
  if (mv < 91 && a.availability_zone === null)
    throw schemaError('unshelve/availability_zone', null, "is not of type 'string'");
  if (a.host !== undefined && !c.get('auth').isAdmin)
    throw policyForbidden('os_compute_api:os-shelve:unshelve_to_host');
  guard(c, s, 'unshelve', [VmState.SHELVED, VmState.SHELVED_OFFLOADED]);
  if ((a.host !== undefined || a.availability_zone !== undefined) && s.vmState !== VmState.SHELVED_OFFLOADED)
    throw conflict(
      `The availability_zone or host can only be given when the server ${s.id} is in vm_state ${VmState.SHELVED_OFFLOADED}, not ${s.vmState}`,
    );
  const zones = new Set([...svc.store.hosts.values()].map((h) => h.az));
  if (typeof a.availability_zone === 'string' && !zones.has(a.availability_zone))
    throw badRequest(`The requested availability zone is not available`);
  if (typeof a.host === 'string' && !svc.store.hosts.get(a.host))
    throw badRequest(`Compute host ${a.host} could not be found.`);
  const act = svc.store.recordAction(s, 'unshelve', ctxOf(c));
  const wasOffloaded = s.vmState === VmState.SHELVED_OFFLOADED;
  const g = svc.setState(s, s.vmState, wasOffloaded ? 'spawning' : 'unshelving');
  svc.after(s, g, svc.cloud.options.actionMs, () => {
    if (wasOffloaded) {
      if (a.availability_zone === null) s.az = 'nova';
      else if (typeof a.availability_zone === 'string') s.az = a.availability_zone;
      const host = selectHost(svc.store, {
        flavor: s.flavor,
        diskGb: s.imageId ? s.flavor.disk : 0,
        host: typeof a.host === 'string' ? a.host : undefined,
        az: typeof a.availability_zone === 'string' ? a.availability_zone : undefined,
      });
      if (!host) {
        s.fault = { code: 500, message: NO_VALID_HOST, created: svc.cloud.isoNow() };
        svc.setState(s, VmState.SHELVED_OFFLOADED, null);
        svc.store.finishAction(act, false, NO_VALID_HOST);
        return;
      }
      svc.store.claim(host, s);
      svc.networking.moveTo(s, host.name);
    }
    svc.setState(s, VmState.ACTIVE, null, PowerState.RUNNING);
    svc.store.finishAction(act, true);
  });
  return c.body(null, 202);
}
