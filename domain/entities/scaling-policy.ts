import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { AdjustmentType } from '../autoscaling/adjustment';
import type { PolicyComparison } from '../autoscaling/policy';

/** A scaling policy: when the group's average CPU over a window crosses a threshold, adjust its size. */
export class ScalingPolicy {
  id: string = randomUUID();
  groupId!: string;
  name!: string;
  comparison!: PolicyComparison;
  threshold!: number;
  windowSeconds = 60;
  adjustmentType!: AdjustmentType;
  adjustment!: number;
  minAdjustmentStep?: number | null;
  cooldownSeconds = 0;
  enabled = true;
  createdAt: Date = new Date();
}

export const ScalingPolicySchema = new EntitySchema<ScalingPolicy>({
  class: ScalingPolicy,
  tableName: 'scaling_policies',
  indexes: [{ properties: ['groupId'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    groupId: { type: 'string', length: 36 },
    name: { type: 'string', length: 120 },
    comparison: { type: 'string', length: 8 },
    threshold: { type: 'double' },
    windowSeconds: { type: 'integer' },
    adjustmentType: { type: 'string', length: 32 },
    adjustment: { type: 'integer' },
    minAdjustmentStep: { type: 'integer', nullable: true },
    cooldownSeconds: { type: 'integer' },
    enabled: { type: 'boolean' },
    createdAt: { type: 'datetime' },
  },
});
