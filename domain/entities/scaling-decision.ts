import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** One decision of a group's autoscaling workflow that changed (or was asked to change) its members. */
export class ScalingDecisionRecord {
  id: string = randomUUID();
  groupId!: string;
  /** scale_out, scale_in, replace, force, none... */
  action!: string;
  fromCapacity!: number;
  toCapacity!: number;
  policyId?: string | null;
  metric?: number | null;
  reason!: string;
  clampedBy?: string | null;
  decidedAt: Date = new Date();
}

export const ScalingDecisionSchema = new EntitySchema<ScalingDecisionRecord>({
  class: ScalingDecisionRecord,
  tableName: 'scaling_decisions',
  indexes: [{ properties: ['groupId', 'decidedAt'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    groupId: { type: 'string', length: 36 },
    action: { type: 'string', length: 16 },
    fromCapacity: { type: 'integer' },
    toCapacity: { type: 'integer' },
    policyId: { type: 'string', length: 36, nullable: true },
    metric: { type: 'double', nullable: true },
    reason: { type: 'string', length: 500 },
    clampedBy: { type: 'string', length: 8, nullable: true },
    decidedAt: { type: 'datetime' },
  },
});
