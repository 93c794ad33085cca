import {
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  patched,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { capacityOf } from '../domain/ha/host-capacity';
import { fits } from '../domain/scheduling/capacity';
import { selectHost } from '../domain/scheduling/select-host';
import type { HaServer } from '../activities/openstack/ha-types';
import { haActivities } from './ha-activities';
import { failureOfError } from './order-settle';

export interface MigrateInput {
  serverId: string;
  /** A chosen host, or none for the scheduling policy's choice. */
  targetHost?: string;
  reason?: 'operator' | 'drain' | 'rebalance';
  requestedBy?: string;
  /** How often the migration is watched, and how long it may take before it is aborted. */
  pollMs?: number;
  timeoutMs?: number;
}

export type MigrationOutcome = 'completed' | 'failed' | 'aborted';

export interface MigrationProgress {
  serverId: string;
  phase: 'checking' | 'migrating' | 'aborting' | 'verifying' | 'done';
  outcome?: MigrationOutcome;
  sourceHost: string | null;
  targetHost: string | null;
  migrationId: number | null;
  migrationStatus: string | null;
  /** 0..100 of memory copied, when Nova reports it. */
  percent: number | null;
  error?: string;
}

export const migrateWorkflowId = (serverId: string) => `migrate-${serverId}`;
export const abortMigrationSignal = defineSignal<[{ by?: string }]>('abort');
export const migrationProgressQuery = defineQuery<MigrationProgress>('progress');

/**
 * `migrate-<serverId>`: pre-checks, os-migrateLive, watch to completion, verify the new host and
 * ACTIVE. On failure or abort the server is left (and checked) ACTIVE on its source.
 */
export async function migrateWorkflow(input: MigrateInput): Promise<MigrationProgress> {
  const pollMs = input.pollMs ?? 2000;
  const timeoutMs = input.timeoutMs ?? 30 * 60_000;
  const { db, cloud, cloudToEnd, waiter } = haActivities({ waitTimeoutMs: timeoutMs });
  const { workflowId, runId } = workflowInfo();
  const p: MigrationProgress = {
    serverId: input.serverId,
    phase: 'checking',
    sourceHost: null,
    targetHost: input.targetHost ?? null,
    migrationId: null,
    migrationStatus: null,
    percent: null,
  };
  let abortRequested = false;
  setHandler(migrationProgressQuery, () => p);
  setHandler(abortMigrationSignal, () => {
    abortRequested = true;
  });
  const record = (extra: { status: 'running' | MigrationOutcome; error?: string | null; finished?: boolean }) =>
    db.haRecordMigration({
      runId,
      workflowId,
      serverId: input.serverId,
      reason: input.reason ?? 'operator',
      sourceHost: p.sourceHost,
      targetHost: p.targetHost,
      requestedBy: input.requestedBy ?? null,
      ...extra,
    });
  // The record is final before the query says done, so readers of either agree.
  const finish = async (outcome: MigrationOutcome, error?: string) => {
    await record({ status: outcome, error: error ?? null, finished: true });
    p.phase = 'done';
    p.outcome = outcome;
    p.error = error;
    return p;
  };

  await record({ status: 'running' });
  if (!patched('migrate-failure-envelope')) return migrate();
  try {
    return await migrate();
  } catch (err) {
    // Out of retries or cancelled: a live migration already under way is aborted and the record made final, so
    // the migration shows failed with its cause instead of running for ever (even a cancel does not skip this).
    const error = failureOfError(err, 'migrate').message;
    await CancellationScope.nonCancellable(async () => {
      if (p.phase === 'migrating' && p.migrationId === null && patched('migrate-cancel-waits-start'))
        p.migrationId = await startedMigration().catch(() => null);
      if (p.phase === 'migrating' && p.migrationId !== null)
        await cloud
          .haAbortLiveMigration({ serverId: input.serverId, migrationId: p.migrationId })
          .catch(() => undefined);
      await finish('failed', error);
    });
    throw err;
  }

  async function migrate(): Promise<MigrationProgress> {
    const server = await cloud.haGetServer({ serverId: input.serverId });
    p.sourceHost = server.host;
    const problem = await precheck(server);
    if (problem) return finish('failed', problem);
    if (abortRequested) return finish('aborted', 'aborted before it started');
    await record({ status: 'running' });

    p.phase = 'migrating';
    // A cancel waits for the start under way, so the envelope knows whether Nova took it and can abort what it began.
    const starter = patched('migrate-cancel-waits-start') ? cloudToEnd : cloud;
    await starter.haStartLiveMigration({ serverId: input.serverId, targetHost: p.targetHost! });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pr = await cloud.haLiveMigrationProgress({ serverId: input.serverId });
      if (pr.migrationId !== null) {
        p.migrationId = pr.migrationId;
        p.migrationStatus = pr.migrationStatus;
        p.percent = pr.memoryTotalBytes
          ? Math.round(((pr.memoryProcessedBytes ?? 0) / pr.memoryTotalBytes) * 100)
          : null;
      }
      if (pr.server.taskState !== 'migrating' && pr.migrationId === null) break;
      if ((abortRequested || Date.now() > deadline) && p.migrationId !== null) {
        p.phase = 'aborting';
        await cloud.haAbortLiveMigration({ serverId: input.serverId, migrationId: p.migrationId });
        break;
      }
      await condition(() => abortRequested, pollMs);
    }

    p.phase = 'verifying';
    const after = await waiter.haWaitServerSettled({ serverId: input.serverId, timeoutMs });
    await db.haRecordServerPlacement({ server: after });
    if (after.host === p.targetHost && after.status === 'ACTIVE') return finish('completed');
    const where = `server is ${after.status} on ${after.host ?? 'no host'}`;
    if (abortRequested)
      return finish(
        after.host === p.sourceHost && after.status === 'ACTIVE' ? 'aborted' : 'failed',
        `aborted; ${where}`,
      );
    return finish(
      'failed',
      Date.now() > deadline ? `timed out and aborted; ${where}` : `migration did not complete; ${where}`,
    );
  }

  /**
   * The live migration Nova began on a start the workflow did not see through: Nova marks the server migrating when
   * it accepts the request and lists the migration a moment later; none while the server is not migrating.
   */
  async function startedMigration(): Promise<number | null> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const pr = await cloud.haLiveMigrationProgress({ serverId: input.serverId });
      if (pr.migrationId !== null) return pr.migrationId;
      if (pr.server.taskState !== 'migrating' || Date.now() > deadline) return null;
      await sleep(pollMs);
    }
  }

  async function precheck(s: HaServer): Promise<string | undefined> {
    if (s.status !== 'ACTIVE' || s.taskState)
      return `server is ${s.status}${s.taskState ? ` (${s.taskState})` : ''}, not ACTIVE`;
    if (!s.host) return 'server has no host';
    const [policy, hosts, unavailable] = await Promise.all([
      db.haLoadPolicy(),
      cloud.haListComputeHosts(),
      db.haUnavailableHosts(),
    ]);
    const capacity = capacityOf(hosts, unavailable);
    const demand = { id: s.id, vcpus: s.vcpus, memoryMb: s.memoryMb };
    if (!input.targetHost) {
      p.targetHost = selectHost(policy, capacity, demand, { purpose: 'migrate', exclude: [s.host] }) ?? null;
      return p.targetHost ? undefined : 'no host with enough capacity under the scheduling policy';
    }
    if (input.targetHost === s.host) return `server is already on ${s.host}`;
    const t = hosts.find((h) => h.name === input.targetHost);
    if (!t) return `unknown host ${input.targetHost}`;
    if (!t.up || t.forcedDown) return `compute service of ${t.name} is down`;
    if (!t.enabled) return `compute service of ${t.name} is disabled`;
    if (unavailable.includes(t.name)) return `host ${t.name} is fenced or in maintenance`;
    if (
      !fits(
        capacity.find((h) => h.name === t.name)!,
        demand,
        policy,
      )
    )
      return `host ${t.name} lacks capacity for the server`;
    return undefined;
  }
}
