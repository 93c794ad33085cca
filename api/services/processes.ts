import { connect } from 'node:net';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { ProcessHeartbeat } from '../../domain/entities';
import { heartbeatStaleMs, platformVersion } from '../../domain/db/heartbeats';
import type { AppDeps } from '../deps';
import { pollerFreshMs } from './worker-pollers';
import { readSettings } from './settings';
import type { EntityManager } from '@mikro-orm/core';

/** How long one probe may take before its dependency counts as unreachable. */
const probeTimeoutMs = 3000;
/** Stopped processes stay listed (as gone) this long. */
const goneListedMs = 3600_000;

export interface Probe {
  state: 'up' | 'down';
  latencyMs: number | null;
  error?: string;
}

/** Runs `check` with a timeout: up with its latency, or down with why. */
async function probe<T>(check: (signal: AbortSignal) => Promise<T>): Promise<Probe & { result?: T }> {
  const started = performance.now();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), probeTimeoutMs);
  try {
    const result = await Promise.race([
      check(abort.signal),
      new Promise<never>((_, reject) =>
        abort.signal.addEventListener('abort', () => reject(new Error(`no answer in ${probeTimeoutMs} ms`))),
      ),
    ]);
    return { state: 'up', latencyMs: Math.round(performance.now() - started), result };
  } catch (err) {
    return { state: 'down', latencyMs: null, error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** Any HTTP answer means the service is reachable (an auth-less GET of an OpenStack root may be 401). */
const httpProbe = (url: string, expectOk = false) =>
  probe(async (signal) => {
    const res = await fetch(url, { signal, redirect: 'manual' });
    await res.body?.cancel();
    if (expectOk && !res.ok) throw new Error(`HTTP ${res.status}`);
    return res.status;
  });

const tcpProbe = (host: string, port: number) =>
  probe(
    (signal) =>
      new Promise<void>((resolve, reject) => {
        const socket = connect({ host, port });
        signal.addEventListener('abort', () => socket.destroy());
        socket.once('connect', () => {
          socket.destroy();
          resolve();
        });
        socket.once('error', reject);
      }),
  );

/** host:port of a URL or address, without credentials. */
function hostPort(address: string, defaultPort: number): { host: string; port: number; shown: string } {
  const u = new URL(address.includes('://') ? address : `tcp://${address}`);
  const port = Number(u.port || defaultPort);
  return { host: u.hostname, port, shown: `${u.hostname}:${port}` };
}

function withoutCredentials(address: string): string {
  if (!address.includes('://')) return address;
  const u = new URL(address);
  u.username = '';
  u.password = '';
  return u.toString().replace(/\/$/, '');
}

function processView(row: ProcessHeartbeat, now: number) {
  const alive = !row.stoppedAt && now - row.lastSeenAt.getTime() <= heartbeatStaleMs;
  return {
    id: row.id,
    kind: row.kind,
    identity: row.identity,
    host: row.host,
    pid: row.pid,
    version: row.version,
    queues: row.queues,
    state: alive ? ('up' as const) : ('gone' as const),
    startedAt: row.startedAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    stoppedAt: row.stoppedAt ? row.stoppedAt.toISOString() : null,
    uptimeSeconds: alive ? Math.round((now - row.startedAt.getTime()) / 1000) : null,
  };
}

type ProcessView = ReturnType<typeof processView>;

/** The poller type that shows a queue's workers: workflow tasks on orchestration, activities on the others. */
const pollerTypes = { orchestration: 1, openstack: 2, notify: 2 } as const;

async function workersView(deps: AppDeps, processes: ProcessView[], now: number) {
  const temporal = deps.temporal;
  return Promise.all(
    (Object.keys(pollerTypes) as Array<keyof typeof pollerTypes>).map(async (queue) => {
      const name = deps.queues[queue];
      const mine = processes.filter((p) => p.kind === 'worker' && p.queues.includes(name));
      let pollers: Array<{ identity: string; lastAccessTime: string | null; state: 'polling' | 'gone' }> = [];
      let error: string | undefined;
      try {
        const r = await temporal.workflowService.describeTaskQueue({
          namespace: temporal.options.namespace,
          taskQueue: { name },
          taskQueueType: pollerTypes[queue],
        });
        pollers = (r.pollers ?? []).map((p) => {
          const identity = p.identity ?? '';
          const last = optionalTsToMs(p.lastAccessTime) ?? null;
          // A worker that reports itself tells its state; else a poll within Temporal's long-poll period counts.
          const reported = mine.filter((m) => m.identity === identity);
          const polling = reported.length
            ? reported.some((m) => m.state === 'up')
            : last !== null && now - last <= pollerFreshMs;
          return {
            identity,
            lastAccessTime: last ? new Date(last).toISOString() : null,
            state: polling ? ('polling' as const) : ('gone' as const),
          };
        });
      } catch (err) {
        error = (err as Error).message;
      }
      const up = pollers.some((p) => p.state === 'polling');
      return {
        queue,
        taskQueue: name,
        state: up ? ('up' as const) : ('down' as const),
        pollers,
        processes: mine,
        ...(error ? { error } : {}),
      };
    }),
  );
}

async function openstackView(deps: AppDeps) {
  const cloud = deps.cloud;
  if (!cloud) return { configured: false, endpoints: [], computeServices: [] };
  const token = await probe(() => cloud.session.token());
  if (token.state === 'down' || !token.result)
    return {
      configured: true,
      identity: { state: token.state, latencyMs: token.latencyMs, error: token.error },
      endpoints: [],
      computeServices: [],
    };
  const endpoints = await Promise.all(
    token.result.catalog.flatMap((service) =>
      service.endpoints.map(async (e) => {
        const r = await httpProbe(e.url);
        return {
          service: service.type,
          name: service.name ?? null,
          interface: e.interface,
          region: e.region_id ?? e.region ?? null,
          url: e.url,
          state: r.state,
          latencyMs: r.latencyMs,
          httpStatus: r.result ?? null,
          ...(r.error ? { error: r.error } : {}),
        };
      }),
    ),
  );
  const services = await probe(() => cloud.compute.listServices({ binary: 'nova-compute' }));
  return {
    configured: true,
    identity: { state: token.state, latencyMs: token.latencyMs },
    endpoints,
    computeServices: (services.result ?? []).map((s) => ({
      id: String(s.id),
      binary: s.binary,
      host: s.host,
      zone: s.zone,
      status: s.status,
      state: s.state,
      forcedDown: s.forced_down ?? false,
      updatedAt: s.updated_at,
      disabledReason: s.disabled_reason,
    })),
    ...(services.error ? { computeServicesError: services.error } : {}),
  };
}

async function servicesView(em: EntityManager, deps: AppDeps) {
  const cfg = deps.config;
  const settings = await readSettings(em, cfg);
  const out: Array<{
    name: string;
    address: string | null;
    state: 'up' | 'down' | 'not configured';
    latencyMs: number | null;
    error?: string;
  }> = [];
  const add = async (name: string, address: string | undefined | null, run: () => Promise<Probe>) => {
    if (!address) return void out.push({ name, address: null, state: 'not configured', latencyMs: null });
    const r = await run();
    out.push({
      name,
      address: withoutCredentials(address),
      state: r.state,
      latencyMs: r.latencyMs,
      ...(r.error ? { error: r.error } : {}),
    });
  };
  const prometheus = cfg.PROMETHEUS_URL?.replace(/\/+$/, '');
  const alertmanager = (settings.alertmanagerUrl ?? cfg.ALERTMANAGER_URL)?.replace(/\/+$/, '');
  await Promise.all([
    add('prometheus', prometheus, () => httpProbe(`${prometheus}/-/healthy`, true)),
    add('alertmanager', alertmanager, () => httpProbe(`${alertmanager}/-/healthy`, true)),
    (async () => {
      const smtp = cfg.SMTP_URL ? hostPort(cfg.SMTP_URL, 25) : undefined;
      await add('smtp', smtp?.shown, () => tcpProbe(smtp!.host, smtp!.port));
    })(),
    (async () => {
      const nsca = settings.nscaAddress ? hostPort(settings.nscaAddress, 5667) : undefined;
      await add('nsca', nsca?.shown, () => tcpProbe(nsca!.host, nsca!.port));
    })(),
  ]);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Every management process and dependency with its state, as one staff view. */
/** The API and worker processes listed (alive, or gone within the last hour), newest first. */
export async function listedProcesses(em: EntityManager, now = Date.now()): Promise<ProcessView[]> {
  const rows = await em.find(
    ProcessHeartbeat,
    { $or: [{ stoppedAt: null }, { stoppedAt: { $gt: new Date(now - goneListedMs) } }] },
    { orderBy: { startedAt: 'desc' } },
  );
  return rows
    .filter((r) => r.stoppedAt || now - r.lastSeenAt.getTime() <= goneListedMs)
    .map((r) => processView(r, now));
}

export async function processOverview(em: EntityManager, deps: AppDeps) {
  const now = Date.now();
  const processes = await listedProcesses(em, now);
  const [database, temporal, workers, services, openstack] = await Promise.all([
    probe(() => em.fork().getConnection().execute('select 1')),
    probe(() => deps.temporal.workflowService.getSystemInfo({})),
    workersView(deps, processes, now),
    servicesView(em.fork(), deps),
    openstackView(deps),
  ]);
  return {
    checkedAt: new Date(now).toISOString(),
    self: { pid: process.pid, version: platformVersion, uptimeSeconds: Math.round(process.uptime()) },
    api: processes.filter((p) => p.kind === 'api'),
    workers,
    temporal: {
      address: deps.config.TEMPORAL_ADDRESS,
      namespace: deps.temporal.options.namespace,
      state: temporal.state,
      latencyMs: temporal.latencyMs,
      serverVersion: temporal.result?.serverVersion ?? null,
      ...(temporal.error ? { error: temporal.error } : {}),
    },
    database: {
      kind: deps.config.database.kind,
      state: database.state,
      latencyMs: database.latencyMs,
      ...(database.error ? { error: database.error } : {}),
    },
    services,
    openstack,
  };
}
