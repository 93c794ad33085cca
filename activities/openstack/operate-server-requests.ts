import { ApplicationFailure } from '@temporalio/common';
import { flavorSizingName } from '../../domain/catalog/nova-flavor';
import {
  alreadyTaken,
  novaActionName,
  type ResizeTarget,
  type ServerAction,
} from '../../domain/operate/server-actions';
import type { OpenStackClient } from './client';
import { failureTypeOf, isNotFound, OpenStackFailureType } from './errors';

/** What the `server-<id>` workflow asks Nova to do (secrets only for the call, never kept). */
export interface ServerActionCall {
  serverId: string;
  action: ServerAction;
  rebootType?: string;
  password?: string;
  imageName?: string;
  securityGroupIds?: string[];
  /** resize: the Nova flavor (see ensureResizeFlavor). */
  flavorRef?: string;
  /** rebuild: the image. */
  imageId?: string;
  tag: string;
}

/** How an earlier attempt of this activity may show in the cloud. */
export interface EarlierAttempt {
  /** When the first attempt was scheduled (ms). */
  since: number;
}

/** Nova's 409 names the state that refused the action; that is the user's answer, not a retry. */
export async function refusingConflict<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (failureTypeOf(e) === OpenStackFailureType.Conflict)
      throw ApplicationFailure.nonRetryable((e as Error).message, OpenStackFailureType.InvalidServerState);
    throw e;
  }
}

/** Clock difference tolerated between the worker and Nova when reading an instance action's start time. */
const clockSkewMs = 5_000;

/**
 * Whether an earlier attempt of this call already reached Nova (its reply was lost): the server's
 * state shows the action running or done, or, for actions that leave the state as it was (reboot,
 * password, rebuild), Nova lists the action as started since the first attempt.
 */
export async function reachedNovaBefore(
  c: OpenStackClient,
  req: ServerActionCall,
  earlier: EarlierAttempt,
): Promise<boolean> {
  const s = await c.compute.getServer(req.serverId);
  const state = { status: s.status as string, taskState: (s as Record<string, any>)['OS-EXT-STS:task_state'] ?? null };
  if (alreadyTaken(req.action, state, req.rebootType)) return true;
  const name = novaActionName[req.action];
  if (!name) return false;
  const actions = await c.compute.listInstanceActions(req.serverId);
  return actions.some((a) => a.action === name && Date.parse(a.start_time) >= earlier.since - clockSkewMs);
}

/** The Nova flavor of a catalog flavor (made on first need, named by its sizing as provisioning names it). */
export async function ensureNovaFlavor(
  admin: OpenStackClient,
  f: Pick<ResizeTarget, 'vcpus' | 'ramMb' | 'diskGb'>,
): Promise<string> {
  const osName = `cmp-${flavorSizingName(f)}`;
  const found = (await admin.compute.listFlavors({ is_public: 'none' })).find((x) => x.name === osName);
  if (found) return found.id;
  return (await admin.compute.createFlavor({ name: osName, vcpus: f.vcpus, ram: f.ramMb, disk: f.diskGb })).id;
}

/** Sends the action to Nova. Snapshots are tagged with the workflow step so a retry finds the image already asked for. */
export async function sendServerAction(
  c: OpenStackClient,
  req: ServerActionCall,
): Promise<{ imageId?: string; portIds?: string[] }> {
  const { serverId } = req;
  const nova = c.compute;
  const simple: Partial<Record<ServerAction, () => Promise<void>>> = {
    start: () => nova.start(serverId),
    stop: () => nova.stop(serverId),
    reboot: () => nova.reboot(serverId, req.rebootType === 'HARD' ? 'HARD' : 'SOFT'),
    set_password: () => nova.changePassword(serverId, req.password ?? ''),
    pause: () => nova.pause(serverId),
    unpause: () => nova.unpause(serverId),
    suspend: () => nova.suspend(serverId),
    resume: () => nova.resume(serverId),
    resize: () => nova.resize(serverId, req.flavorRef ?? ''),
    confirm_resize: () => nova.confirmResize(serverId),
    revert_resize: () => nova.revertResize(serverId),
    rebuild: () => nova.rebuild(serverId, req.imageId ?? ''),
    rescue: () => nova.rescue(serverId),
    unrescue: () => nova.unrescue(serverId),
    shelve: () => nova.shelve(serverId),
    unshelve: () => nova.unshelve(serverId),
  };
  const send = simple[req.action];
  if (send) {
    await refusingConflict(send);
    return {};
  }
  switch (req.action) {
    case 'snapshot': {
      // Glance filters by name only; the step tag (an image property) tells our image from a namesake.
      const ours = async () =>
        (await c.image.listImages({ name: req.imageName ?? '' })).find((i) => i.cmp_step === req.tag)?.id;
      const existing = await ours();
      if (existing) return { imageId: existing };
      const imageId =
        (await refusingConflict(() => nova.createImage(serverId, req.imageName ?? '', { cmp_step: req.tag }))) ??
        (await ours());
      if (!imageId)
        throw ApplicationFailure.retryable(
          'Nova accepted the snapshot but Glance does not list it yet',
          OpenStackFailureType.SnapshotPending,
        );
      return { imageId };
    }
    case 'set_security_groups': {
      // Setting the same list again changes nothing, so a retry is harmless.
      const ports = await c.network.listPorts({ device_id: serverId });
      for (const p of ports)
        await refusingConflict(() => c.network.updatePort(p.id, { security_groups: req.securityGroupIds ?? [] }));
      return { portIds: ports.map((p) => p.id) };
    }
    case 'delete':
      try {
        await nova.deleteServer(serverId);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      return {};
    default:
      throw ApplicationFailure.nonRetryable(`unknown server action ${req.action}`, 'InvalidRequest');
  }
}
