import { writeAudit } from '../../domain/db/audit-writer';
import type { Orm } from '../../domain/db/orm';
import {
  AuditEntry,
  CloudResource,
  HaEvacuation,
  HaHost,
  HaMigration,
  SchedulingPolicyRecord,
  type EvacuationItem,
  type EvacuationStatus,
  type HaMigrationStatus,
} from '../../domain/entities';
import { observe, type FailureRule } from '../../domain/scheduling/failure-detection';
import type { SchedulingPolicy } from '../../domain/scheduling/types';
import { policyOf } from '../../domain/ha/policy';
import type { HaServer } from '../openstack/ha-types';
import { lifecycleOf } from './resources';

export interface SweepObservation {
  host: string;
  up: boolean;
  /** Forced down (fenced): not watched. */
  ignored: boolean;
  /** What the sweep saw, kept for the hosts API and placement. */
  enabled: boolean;
  vcpus: number;
  memoryMb: number;
  usedVcpus: number;
  usedMemoryMb: number;
  runningVms: number;
}

export interface EvacuationPatch {
  fencedAt?: string;
  status?: EvacuationStatus;
  totalServers?: number;
  evacuatedServers?: number;
  items?: EvacuationItem[];
  finishedAt?: string;
  recoveryMs?: number;
}

/** What a failure envelope records: the note the hosts API shows (and maintenance kept), and one audit entry per run. */
export interface HeldStateRecord {
  /** The workflow run settling: the audit entry is written once per run and action. */
  runId: string;
  action: string;
  targetType: 'host' | 'rebalance';
  targetId: string;
  actorId?: string | null;
  details: Record<string, unknown>;
  /** For a host: the note shown on it (why it is held, what the operator can do). */
  hostNote?: string;
  /** For a host: keep it (or put it) in maintenance, unless an evacuation holds it failed or fenced. */
  maintenance?: boolean;
}

export interface MigrationRecordInput {
  runId: string;
  workflowId: string;
  serverId: string;
  reason: HaMigration['reason'];
  sourceHost?: string | null;
  targetHost?: string | null;
  status: HaMigrationStatus;
  error?: string | null;
  requestedBy?: string | null;
  finished?: boolean;
}

/** The note on the host (when given) and one `failure` audit entry per run and action: see haRecordHeldState. */
async function recordHeldState(orm: Orm, input: HeldStateRecord): Promise<void> {
  const em = orm.em.fork();
  if (input.targetType === 'host' && input.hostNote !== undefined) {
    const host = await em.findOne(HaHost, { hostname: input.targetId });
    if (host) {
      host.note = input.hostNote.slice(0, 255);
      if (input.maintenance && host.state !== 'fenced' && host.state !== 'failed') {
        host.state = 'maintenance';
        host.missTimes = [];
      }
      await em.flush();
    }
  }
  if (await em.count(AuditEntry, { action: input.action, targetId: input.targetId, requestId: input.runId })) return;
  await writeAudit(orm, {
    action: input.action,
    actorId: input.actorId ?? null,
    actorEmail: null,
    tenantId: null,
    targetType: input.targetType,
    targetId: input.targetId,
    result: 'failure',
    statusCode: null,
    clientIp: null,
    requestId: input.runId,
    details: input.details,
  });
}

/** Database side of migration, drain, sweep and evacuation. Every write is an idempotent upsert. */
export function createHaDbActivities(orm: Orm) {
  async function updateEvacuation(id: string, p: EvacuationPatch): Promise<void> {
    const em = orm.em.fork();
    const row = await em.findOneOrFail(HaEvacuation, { id });
    if (p.fencedAt) row.fencedAt = new Date(p.fencedAt);
    if (p.finishedAt) row.finishedAt = new Date(p.finishedAt);
    if (p.status) row.status = p.status;
    if (p.totalServers !== undefined) row.totalServers = p.totalServers;
    if (p.evacuatedServers !== undefined) row.evacuatedServers = p.evacuatedServers;
    if (p.items) row.items = p.items;
    if (p.recoveryMs !== undefined) row.recoveryMs = p.recoveryMs;
    await em.flush();
  }

  return {
    /** Where a migration or evacuation left a server, kept on the platform's record of it. */
    async haRecordServerPlacement(input: { server: HaServer }): Promise<void> {
      const em = orm.em.fork();
      const r = await em.findOne(CloudResource, { kind: 'server', openstackId: input.server.id });
      if (!r || r.status === 'deleted') return;
      const { host, status, taskState } = input.server;
      r.osStatus = status;
      r.status = lifecycleOf(status);
      r.attributes = { ...r.attributes, host, status, taskState };
      await em.flush();
    },

    async haLoadPolicy(): Promise<SchedulingPolicy> {
      return policyOf(await orm.em.fork().findOne(SchedulingPolicyRecord, { id: 'platform' }));
    },

    /** Hosts the platform holds fenced or in maintenance: never placement targets. */
    async haUnavailableHosts(): Promise<string[]> {
      const rows = await orm.em.fork().find(HaHost, { state: { $in: ['failed', 'fenced', 'maintenance'] } });
      return rows.map((r) => r.hostname);
    },

    /**
     * Folds one sweep into each host's detector state and returns the hosts that have just met the
     * failure rule. A host already failed or fenced is not reported again, so a second detection
     * of the same failure starts nothing.
     */
    async haRecordSweep(input: {
      observations: SweepObservation[];
      rule: FailureRule;
      at: number;
    }): Promise<Array<{ host: string; failedAt: string }>> {
      const em = orm.em.fork();
      const failed: Array<{ host: string; failedAt: string }> = [];
      await em.transactional(async (tx) => {
        const rows = await tx.find(HaHost, { hostname: { $in: input.observations.map((o) => o.host) } });
        for (const o of input.observations) {
          let row = rows.find((r) => r.hostname === o.host);
          if (!row) {
            row = tx.create(HaHost, { hostname: o.host, state: 'ok', missTimes: [], updatedAt: new Date() });
            tx.persist(row);
          }
          Object.assign(row, {
            up: o.up,
            enabled: o.enabled,
            vcpus: o.vcpus,
            memoryMb: o.memoryMb,
            usedVcpus: o.usedVcpus,
            usedMemoryMb: o.usedMemoryMb,
            runningVms: o.runningVms,
          });
          if (o.ignored || row.state === 'failed' || row.state === 'fenced' || row.state === 'maintenance') continue;
          const r = observe({ missTimes: row.missTimes }, { up: o.up, at: input.at }, input.rule);
          row.missTimes = r.state.missTimes;
          if (o.up) row.lastSeenAt = new Date(input.at);
          if (r.failed) {
            row.state = 'failed';
            row.failedAt = new Date(r.state.missTimes[0]);
            failed.push({ host: o.host, failedAt: row.failedAt.toISOString() });
          } else row.state = r.state.missTimes.length > 0 ? 'suspect' : 'ok';
        }
      });
      return failed;
    },

    /**
     * Marks `degraded` the hosts Nova reports down with no second signal confirming it (and only
     * hosts that are `ok`, `suspect` or `degraded`); hosts that were degraded and are no longer go
     * back to `ok`. Answers which entered and which left the state, for their alarms.
     */
    async haMarkDegraded(input: { degraded: string[] }): Promise<{ entered: string[]; left: string[] }> {
      const em = orm.em.fork();
      const out = { entered: [] as string[], left: [] as string[] };
      await em.transactional(async (tx) => {
        const rows = await tx.find(HaHost, {
          $or: [{ state: 'degraded' }, { hostname: { $in: input.degraded } }],
        });
        for (const h of input.degraded) {
          const row = rows.find((r) => r.hostname === h);
          if (row && row.state !== 'ok' && row.state !== 'suspect') continue;
          if (!row)
            tx.persist(tx.create(HaHost, { hostname: h, state: 'degraded', missTimes: [], updatedAt: new Date() }));
          else Object.assign(row, { state: 'degraded', missTimes: [] });
          out.entered.push(h);
        }
        for (const row of rows)
          if (
            row.state === 'degraded' &&
            !input.degraded.includes(row.hostname) &&
            !out.entered.includes(row.hostname)
          ) {
            Object.assign(row, { state: 'ok', missTimes: [] });
            out.left.push(row.hostname);
          }
      });
      return out;
    },

    /** A host whose power fence failed: `failed` (never a placement target), with why; its evacuation ends failed without evacuating. */
    async haHostNotFenced(input: { hostname: string; evacuationId: string; error: string }): Promise<void> {
      const em = orm.em.fork();
      await em.transactional(async (tx) => {
        const host = await tx.findOne(HaHost, { hostname: input.hostname });
        if (host)
          Object.assign(host, { state: 'failed', fencedAt: null, note: `not fenced: ${input.error}`.slice(0, 250) });
        const ev = await tx.findOne(HaEvacuation, { id: input.evacuationId });
        if (ev && ev.status === 'running') Object.assign(ev, { status: 'failed', finishedAt: new Date() });
      });
    },

    /** Creates the evacuation record (once per id) and marks its host fenced. */
    async haBeginEvacuation(input: {
      id: string;
      hostname: string;
      workflowId: string;
      failedAt: string;
      trigger: HaEvacuation['trigger'];
    }): Promise<void> {
      const em = orm.em.fork();
      await em.transactional(async (tx) => {
        if (!(await tx.findOne(HaEvacuation, { id: input.id }))) {
          tx.persist(
            tx.create(HaEvacuation, {
              id: input.id,
              hostname: input.hostname,
              workflowId: input.workflowId,
              trigger: input.trigger,
              failedAt: new Date(input.failedAt),
              startedAt: new Date(),
              status: 'running',
              totalServers: 0,
              evacuatedServers: 0,
              items: [],
              updatedAt: new Date(),
            }),
          );
        }
        const host =
          (await tx.findOne(HaHost, { hostname: input.hostname })) ??
          tx.create(HaHost, { hostname: input.hostname, state: 'ok', missTimes: [], updatedAt: new Date() });
        host.state = 'fenced';
        host.failedAt ??= new Date(input.failedAt);
        host.fencedAt ??= new Date();
        host.evacuationId = input.id;
        tx.persist(host);
      });
    },

    async haUpdateEvacuation(input: { id: string; patch: EvacuationPatch }): Promise<void> {
      await updateEvacuation(input.id, input.patch);
    },

    /**
     * An evacuation that stopped on a failure: the record ends `failed` with what it had done, and the
     * host (still held fenced) notes why. Plain overwrites, so running it twice changes nothing.
     */
    async haEvacuationFailed(input: {
      id: string;
      hostname: string;
      error: string;
      patch: EvacuationPatch;
    }): Promise<void> {
      await updateEvacuation(input.id, { ...input.patch, status: 'failed' });
      const em = orm.em.fork();
      const host = await em.findOne(HaHost, { hostname: input.hostname });
      if (!host || (host.state !== 'fenced' && host.state !== 'failed')) return;
      host.note = `evacuation failed: ${input.error}`.slice(0, 250);
      await em.flush();
    },

    /** An operator brought the host back: it is watched again from a clean slate. */
    async haReleaseHost(input: { hostname: string }): Promise<void> {
      const em = orm.em.fork();
      const host = await em.findOne(HaHost, { hostname: input.hostname });
      if (!host) return;
      Object.assign(host, {
        state: 'ok',
        missTimes: [],
        failedAt: null,
        fencedAt: null,
        evacuationId: null,
        note: null,
      });
      await em.flush();
    },

    /**
     * An evacuation whose workflow is gone (terminated, or ended without settling) while its record still runs, at the
     * release of its host: the record ends `failed`, its servers not seen ACTIVE elsewhere unrecovered with `cause` (Nova may
     * still have rebuilt them: nothing watched). Plain
     * overwrites, so running it twice changes nothing.
     */
    async haCloseAbandonedEvacuation(input: { evacuationId: string; cause: string }): Promise<void> {
      const em = orm.em.fork();
      const ev = await em.findOne(HaEvacuation, { id: input.evacuationId });
      if (!ev || ev.status !== 'running') return;
      ev.status = 'failed';
      ev.finishedAt = new Date();
      ev.items = ev.items.map((x) =>
        x.status === 'active'
          ? x
          : { ...x, status: 'unrecovered' as const, error: x.error ?? `not known recovered: ${input.cause}` },
      );
      ev.evacuatedServers = ev.items.filter((x) => x.status === 'active').length;
      await em.flush();
    },

    /**
     * A failure envelope's visible end: the host's note says why it is held and what can be done, and the audit log
     * gets one `failure` entry for the run. Running it twice writes the same note and no second entry.
     */
    async haRecordHeldState(input: HeldStateRecord): Promise<void> {
      await recordHeldState(orm, input);
    },

    /**
     * The sweep could not start the evacuation of a failed host: its note says so, the audit log gets one entry for the
     * sweep's run, and the answer counts the sweeps that failed to start it since the host failed (this one included),
     * so that the sweep alarms once per failure streak while it keeps trying.
     */
    async haEvacuationStartFailed(input: {
      runId: string;
      hostname: string;
      failedAt: string;
      error: string;
    }): Promise<{ attempts: number }> {
      const streak = {
        action: 'host.evacuation.start_failed',
        targetId: input.hostname,
        at: { $gte: new Date(input.failedAt) },
      };
      const before = await orm.em.fork().count(AuditEntry, { ...streak, requestId: { $ne: input.runId } });
      const attempts = before + 1;
      await recordHeldState(orm, {
        runId: input.runId,
        action: streak.action,
        targetType: 'host',
        targetId: input.hostname,
        details: { error: input.error, failedAt: input.failedAt, attempts },
        hostNote: `evacuation not started (${input.error}; ${attempts} attempt(s)): the next sweep tries again`,
      });
      return { attempts };
    },

    /** Hosts marked failed whose evacuation never began (its start failed or it vanished before fencing): started again by the sweep. */
    async haFailedWithoutEvacuation(): Promise<Array<{ host: string; failedAt: string }>> {
      const rows = await orm.em.fork().find(HaHost, { state: 'failed', evacuationId: null });
      return rows.map((r) => ({ host: r.hostname, failedAt: (r.failedAt ?? r.updatedAt).toISOString() }));
    },

    async haSetMaintenance(input: { hostname: string; maintenance: boolean; note?: string }): Promise<void> {
      const em = orm.em.fork();
      const host =
        (await em.findOne(HaHost, { hostname: input.hostname })) ??
        em.create(HaHost, { hostname: input.hostname, state: 'ok', missTimes: [], updatedAt: new Date() });
      if (host.state === 'fenced' || host.state === 'failed') return;
      host.state = input.maintenance ? 'maintenance' : 'ok';
      host.missTimes = [];
      host.note = input.maintenance ? (input.note ?? 'maintenance') : null;
      em.persist(host);
      await em.flush();
    },

    async haRecordMigration(input: MigrationRecordInput): Promise<void> {
      const em = orm.em.fork();
      const row =
        (await em.findOne(HaMigration, { runId: input.runId })) ??
        em.create(HaMigration, {
          runId: input.runId,
          workflowId: input.workflowId,
          serverId: input.serverId,
          reason: input.reason,
          status: 'running',
          startedAt: new Date(),
        });
      row.status = input.status;
      if (input.sourceHost !== undefined) row.sourceHost = input.sourceHost;
      if (input.targetHost !== undefined) row.targetHost = input.targetHost;
      if (input.error !== undefined) row.error = input.error;
      if (input.requestedBy !== undefined) row.requestedBy = input.requestedBy;
      if (input.finished) row.finishedAt = new Date();
      em.persist(row);
      await em.flush();
    },
  };
}

export type HaDbActivities = ReturnType<typeof createHaDbActivities>;
