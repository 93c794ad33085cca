import { defineQuery, executeChild, setHandler } from '@temporalio/workflow';
import { haActivities } from './ha-activities';
import { migrateWorkflow, migrateWorkflowId, type MigrationProgress } from './migrate';

export interface DrainHostInput {
  hostname: string;
  /** Live migrations running at once. */
  concurrency: number;
  requestedBy?: string;
  pollMs?: number;
  migrationTimeoutMs?: number;
}

export interface DrainProgress {
  hostname: string;
  phase: 'disabling' | 'migrating' | 'done';
  total: number;
  migrated: string[];
  failed: Array<{ serverId: string; error: string }>;
}

export const drainWorkflowId = (hostname: string) => `drain-${hostname}`;
export const enableHostWorkflowId = (hostname: string) => `enable-host-${hostname}`;
export const drainProgressQuery = defineQuery<DrainProgress>('progress');

/**
 * `drain-<hostname>`: disable the host's compute service (no new placements), then live-migrate
 * each of its servers (`migrate-<serverId>` children, policy-chosen targets) with bounded parallelism.
 */
export async function drainHostWorkflow(input: DrainHostInput): Promise<DrainProgress> {
  const { db, cloud } = haActivities();
  const p: DrainProgress = { hostname: input.hostname, phase: 'disabling', total: 0, migrated: [], failed: [] };
  setHandler(drainProgressQuery, () => p);

  await db.haSetMaintenance({ hostname: input.hostname, maintenance: true, note: 'drained' });
  await cloud.haSetHostEnabled({ host: input.hostname, enabled: false, reason: 'drained for maintenance' });
  const servers = await cloud.haListHostServers({ host: input.hostname });
  p.total = servers.length;
  p.phase = 'migrating';
  let next = 0;
  const runners = Array.from({ length: Math.max(1, Math.min(input.concurrency, servers.length)) }, async () => {
    while (next < servers.length) {
      const s = servers[next++];
      let r: MigrationProgress;
      try {
        r = await executeChild(migrateWorkflow, {
          workflowId: migrateWorkflowId(s.id),
          args: [
            {
              serverId: s.id,
              reason: 'drain',
              requestedBy: input.requestedBy,
              pollMs: input.pollMs,
              timeoutMs: input.migrationTimeoutMs,
            },
          ],
        });
      } catch (e) {
        p.failed.push({ serverId: s.id, error: (e as Error).message });
        continue;
      }
      if (r.outcome === 'completed') p.migrated.push(s.id);
      else p.failed.push({ serverId: s.id, error: r.error ?? r.outcome ?? 'failed' });
    }
  });
  await Promise.all(runners);
  p.phase = 'done';
  return p;
}

/** `enable-host-<hostname>`: ends maintenance, the host takes servers again. */
export async function enableHostWorkflow(input: { hostname: string }): Promise<void> {
  const { db, cloud } = haActivities();
  await cloud.haSetHostEnabled({ host: input.hostname, enabled: true });
  await db.haSetMaintenance({ hostname: input.hostname, maintenance: false });
}
