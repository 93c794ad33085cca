/**
 * The node flags and allocator setting the launcher starts each worker process with (scripts/start.ts). A worker
 * holding 1,000 orders waiting for approval measured 454 MB resident with node's defaults; a small V8 heap keeps
 * the garbage of workflow replays from piling up, and fewer glibc malloc arenas keep the native side (Temporal's
 * core, its threads) compact. The Temporal SDK sizes its workflow cache from the heap limit (10 at this heap:
 * workflows beyond are evicted and replayed at their next task); WORKER_MAX_CACHED_WORKFLOWS sets it instead.
 *
 * Both are overridable by environment: WORKER_NODE_OPTIONS (node flags, space-separated; empty for none) and
 * WORKER_MALLOC_ARENA_MAX (glibc's MALLOC_ARENA_MAX for the worker; empty leaves glibc's default, or what
 * MALLOC_ARENA_MAX in the launcher's own environment says). The systemd worker units (deploy/systemd) and the compose
 * worker service carry the same defaults in their command lines (test/deploy/units and compose check it).
 */
export const defaultWorkerNodeOptions = '--max-old-space-size=128 --max-semi-space-size=2';
export const defaultWorkerMallocArenaMax = '2';

export interface WorkerRuntime {
  /** Flags for node itself, before the entry point. */
  execArgv: string[];
  /** The worker's environment: `env` with MALLOC_ARENA_MAX set. */
  env: NodeJS.ProcessEnv;
}

/** The node flags and environment of a worker process started from an environment `env` (the launcher's). */
export function workerRuntime(env: NodeJS.ProcessEnv): WorkerRuntime {
  const execArgv = (env.WORKER_NODE_OPTIONS ?? defaultWorkerNodeOptions).split(/\s+/).filter(Boolean);
  const arenas = env.WORKER_MALLOC_ARENA_MAX ?? defaultWorkerMallocArenaMax;
  return { execArgv, env: arenas ? { ...env, MALLOC_ARENA_MAX: arenas } : { ...env } };
}
