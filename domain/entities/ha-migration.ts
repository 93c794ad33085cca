import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export type HaMigrationStatus = 'running' | 'completed' | 'failed' | 'aborted';

/** One live migration run by `migrate-<serverId>` (operator, drain or rebalance). */
export class HaMigration {
  id: string = randomUUID();
  serverId!: string;
  workflowId!: string;
  /** Temporal run id: one row per run, so a retried start updates the same row. */
  runId!: string;
  reason: 'operator' | 'drain' | 'rebalance' = 'operator';
  sourceHost?: string | null;
  targetHost?: string | null;
  status: HaMigrationStatus = 'running';
  error?: string | null;
  requestedBy?: string | null;
  startedAt: Date = new Date();
  finishedAt?: Date | null;
}

export const HaMigrationSchema = new EntitySchema<HaMigration>({
  class: HaMigration,
  tableName: 'ha_migrations',
  indexes: [{ properties: ['serverId'] }, { properties: ['status'] }],
  uniques: [{ properties: ['runId'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    serverId: { type: 'string', length: 64 },
    workflowId: { type: 'string', length: 255 },
    runId: { type: 'string', length: 64 },
    reason: { type: 'string', length: 16 },
    sourceHost: { type: 'string', length: 255, nullable: true },
    targetHost: { type: 'string', length: 255, nullable: true },
    status: { type: 'string', length: 16 },
    error: { type: 'text', nullable: true },
    requestedBy: { type: 'string', length: 36, nullable: true },
    startedAt: { type: 'datetime' },
    finishedAt: { type: 'datetime', nullable: true },
  },
});
