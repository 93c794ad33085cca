import { setTimeout as sleep } from 'node:timers/promises';
import type { BlockStorageApi, Volume } from './block-storage';
import type { ComputeApi, Migration, Server } from './compute';
import { isNotFound, OpenStackWaitError } from './errors';
import type { Image, ImageApi } from './image';
import type { LoadBalancer, LoadBalancerApi } from './load-balancer';

export interface WaitOptions<T = unknown> {
  /** Give up after this long (default 10 min). */
  timeoutMs?: number;
  /** Time between polls (default 2 s). */
  pollMs?: number;
  /** Statuses that end the wait with a failure (compared case-insensitively). */
  failOn?: string[];
  /** Called after every poll, e.g. `Context.current().heartbeat(status)` in an activity. */
  onPoll?: (status: string, resource: T | undefined) => void | Promise<void>;
  signal?: AbortSignal;
}

/**
 * Polls `get` until `statusOf` is one of `target`. A 404 counts as the status `DELETED` (so
 * waiting for deletion works); statuses in `failOn` throw `OpenStackWaitError('failed')`, running
 * out of time `OpenStackWaitError('timeout')`.
 */
export async function waitForStatus<T>(
  resource: string,
  id: string,
  get: () => Promise<T>,
  statusOf: (t: T) => string,
  target: string[],
  opts: WaitOptions<T> = {},
  describe: (t: T) => string = () => '',
): Promise<T | undefined> {
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const pollMs = opts.pollMs ?? 2_000;
  const wanted = new Set(target.map((s) => s.toUpperCase()));
  const failing = new Set((opts.failOn ?? []).map((s) => s.toUpperCase()));
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  for (;;) {
    let current: T | undefined;
    try {
      current = await get();
      last = statusOf(current);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      last = 'DELETED';
    }
    await opts.onPoll?.(last, current);
    const upper = last.toUpperCase();
    if (wanted.has(upper)) return current;
    if (failing.has(upper)) {
      const why = current ? describe(current) : '';
      throw new OpenStackWaitError('failed', resource, id, last, `${resource} ${id} reached ${last} while waiting for ${target.join('/')}${why ? `: ${why}` : ''}`);
    }
    if (upper === 'DELETED') {
      throw new OpenStackWaitError('failed', resource, id, last, `${resource} ${id} is gone while waiting for ${target.join('/')}`);
    }
    if (Date.now() + pollMs > deadline) {
      throw new OpenStackWaitError('timeout', resource, id, last, `${resource} ${id} still ${last} after ${timeoutMs} ms waiting for ${target.join('/')}`);
    }
    await sleep(pollMs, undefined, { signal: opts.signal });
  }
}

export function waitForServerStatus(compute: ComputeApi, id: string, target: string[], opts: WaitOptions<Server> = {}) {
  return waitForStatus('server', id, () => compute.getServer(id), (s) => s.status, target, { failOn: ['ERROR'], ...opts }, (s) => s.fault?.message ?? '');
}

export async function waitForServerDeleted(compute: ComputeApi, id: string, opts: WaitOptions<Server> = {}): Promise<void> {
  await waitForStatus('server', id, () => compute.getServer(id), (s) => s.status, ['DELETED'], { failOn: ['ERROR'], ...opts });
}

export function waitForVolumeStatus(blockStorage: BlockStorageApi, id: string, target: string[], opts: WaitOptions<Volume> = {}) {
  return waitForStatus('volume', id, () => blockStorage.getVolume(id), (v) => v.status, target, {
    failOn: ['error', 'error_deleting', 'error_extending', 'error_restoring', 'error_managing'],
    ...opts,
  });
}

export function waitForImageStatus(image: ImageApi, id: string, target: string[], opts: WaitOptions<Image> = {}) {
  return waitForStatus('image', id, () => image.getImage(id), (i) => i.status, target, { failOn: ['killed'], ...opts });
}

/** Octavia accepts writes only when the load balancer is ACTIVE again after each change. */
export function waitForLoadBalancerActive(lb: LoadBalancerApi, id: string, opts: WaitOptions<LoadBalancer> = {}) {
  return waitForStatus('load balancer', id, () => lb.getLoadBalancer(id), (l) => l.provisioning_status, ['ACTIVE'], { failOn: ['ERROR'], ...opts });
}

/**
 * The migration `migrationId` of a server (or its newest one) until it completes. Nova's
 * end states are `completed` (live), `confirmed`/`finished` (cold) and `done` (evacuation).
 */
export function waitForMigration(compute: ComputeApi, serverId: string, migrationId?: number | string, opts: WaitOptions<Migration> = {}) {
  const get = async (): Promise<Migration> => {
    const all = await compute.listMigrations({ instance_uuid: serverId });
    const m = migrationId === undefined ? all.sort((a, b) => b.id - a.id)[0] : all.find((x) => String(x.id) === String(migrationId) || x.uuid === migrationId);
    if (!m) throw new OpenStackWaitError('failed', 'migration', String(migrationId ?? serverId), undefined, `no migration ${migrationId ?? ''} of server ${serverId}`);
    return m;
  };
  return waitForStatus('migration', String(migrationId ?? serverId), get, (m) => m.status, ['completed', 'confirmed', 'finished', 'done'], {
    failOn: ['error', 'failed', 'cancelled', 'aborted'],
    ...opts,
  });
}
