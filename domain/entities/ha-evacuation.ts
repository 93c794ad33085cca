import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export type EvacuationStatus = 'running' | 'completed' | 'partial' | 'failed';
export type EvacuationItemStatus = 'pending' | 'evacuating' | 'active' | 'unrecovered';

export interface EvacuationItem {
  serverId: string;
  name: string;
  haEnabled: boolean;
  priority: number;
  status: EvacuationItemStatus;
  /** Hosts tried, in order; the last is the current or final one. */
  targets: string[];
  error?: string;
  /** When its (last) rebuild was asked for. */
  startedAt?: string;
  activeAt?: string;
}

/** One host-failure evacuation (`evacuate-<hostname>`), with its recovery time. */
export class HaEvacuation {
  id: string = randomUUID();
  hostname!: string;
  workflowId!: string;
  status: EvacuationStatus = 'running';
  trigger: 'sweep' | 'operator' = 'sweep';
  /** When the failure happened (first missed heartbeat, or when the operator declared it). */
  failedAt!: Date;
  startedAt: Date = new Date();
  fencedAt?: Date | null;
  finishedAt?: Date | null;
  /** failedAt → last server ACTIVE, in ms. */
  recoveryMs?: number | null;
  totalServers = 0;
  evacuatedServers = 0;
  items: EvacuationItem[] = [];
  updatedAt: Date = new Date();
}

export const HaEvacuationSchema = new EntitySchema<HaEvacuation>({
  class: HaEvacuation,
  tableName: 'ha_evacuations',
  indexes: [{ properties: ['hostname', 'startedAt'] }],
  uniques: [{ properties: ['workflowId', 'startedAt'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    hostname: { type: 'string', length: 255 },
    workflowId: { type: 'string', length: 255 },
    status: { type: 'string', length: 16 },
    trigger: { type: 'string', length: 16 },
    failedAt: { type: 'datetime' },
    startedAt: { type: 'datetime' },
    fencedAt: { type: 'datetime', nullable: true },
    finishedAt: { type: 'datetime', nullable: true },
    recoveryMs: { type: 'integer', nullable: true },
    totalServers: { type: 'integer' },
    evacuatedServers: { type: 'integer' },
    items: { type: 'json' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
