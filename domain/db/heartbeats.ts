import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Orm } from './orm';
import { ProcessHeartbeat } from '../entities/process-heartbeat';

/** How often a management process reports itself alive; the process view counts one silent for 2.5 periods as gone. */
export const heartbeatIntervalMs = 5_000;
export const heartbeatStaleMs = heartbeatIntervalMs * 2.5;

/** The platform's version (package.json). */
export const platformVersion: string = (
  JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** Temporal's default worker identity, which DescribeTaskQueue lists pollers by. */
export const defaultIdentity = (): string => `${process.pid}@${hostname()}`;

export interface Heartbeat {
  id: string;
  /** Marks the process stopped (it shows as gone at once). */
  stop(): Promise<void>;
}

/**
 * Records this process in `process_heartbeats` and refreshes it every `intervalMs`. A failed write is
 * reported to `onError` and retried on the next beat; it never stops the process.
 */
export async function startHeartbeat(
  orm: Orm,
  who: { kind: ProcessHeartbeat['kind']; identity?: string; queues?: string[] },
  onError: (err: unknown) => void = () => {},
  intervalMs = heartbeatIntervalMs,
): Promise<Heartbeat> {
  const now = new Date();
  const row = Object.assign(new ProcessHeartbeat(), {
    kind: who.kind,
    identity: who.identity ?? defaultIdentity(),
    queues: who.queues ?? [],
    host: hostname(),
    pid: process.pid,
    version: platformVersion,
    startedAt: now,
    lastSeenAt: now,
  });
  await orm.em.fork().persistAndFlush(row).catch(onError);
  const beat = () =>
    orm.em
      .fork()
      .nativeUpdate(ProcessHeartbeat, { id: row.id, stoppedAt: null }, { lastSeenAt: new Date() })
      .then(() => undefined, onError);
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  let stopped: Promise<void> | undefined;
  return {
    id: row.id,
    stop() {
      clearInterval(timer);
      stopped ??= orm.em
        .fork()
        .nativeUpdate(ProcessHeartbeat, { id: row.id }, { stoppedAt: new Date() })
        .then(() => undefined, onError);
      return stopped;
    },
  };
}
