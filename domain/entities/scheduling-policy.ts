import { EntitySchema } from '@mikro-orm/core';
import type { SchedulingStrategy } from '../scheduling/types';

/** The platform's scheduling policy: one row, id `platform` (defaults apply until an admin sets it). */
export class SchedulingPolicyRecord {
  id = 'platform';
  strategy: SchedulingStrategy = 'load_balancing';
  reservedHosts: string[] = [];
  cpuAllocationRatio = 16;
  ramAllocationRatio = 1.5;
  updatedBy?: string | null;
  updatedAt: Date = new Date();
}

export const SchedulingPolicyRecordSchema = new EntitySchema<SchedulingPolicyRecord>({
  class: SchedulingPolicyRecord,
  tableName: 'ha_scheduling_policy',
  properties: {
    id: { type: 'string', length: 16, primary: true },
    strategy: { type: 'string', length: 24 },
    reservedHosts: { type: 'json' },
    cpuAllocationRatio: { type: 'double' },
    ramAllocationRatio: { type: 'double' },
    updatedBy: { type: 'string', length: 36, nullable: true },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
