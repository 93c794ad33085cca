import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { ObjectType } from '../monitoring/catalog';
import type { AlarmSelector, AlarmSeverity, Comparison } from '../monitoring/alarm-types';

/** An admin's alarm rule, rendered into a Prometheus alerting rule (see domain/monitoring/rules.ts). */
export class AlarmRule {
  id: string = randomUUID();
  name!: string;
  objectType!: ObjectType;
  selector: AlarmSelector = { kind: 'all' };
  metric?: string | null;
  expression?: string | null;
  comparison!: Comparison;
  threshold!: number;
  durationSeconds = 60;
  severity: AlarmSeverity = 'major';
  emails: string[] = [];
  /** E.164 numbers paged by SMS when nobody acknowledges within `escalationSeconds`. */
  phones: string[] = [];
  escalationSeconds = 900;
  enabled = true;
  createdBy?: string | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const AlarmRuleSchema = new EntitySchema<AlarmRule>({
  class: AlarmRule,
  tableName: 'alarm_rules',
  properties: {
    id: { type: 'string', length: 36, primary: true },
    name: { type: 'string', length: 120 },
    objectType: { type: 'string', length: 16 },
    selector: { type: 'json' },
    metric: { type: 'string', length: 64, nullable: true },
    expression: { type: 'text', nullable: true },
    comparison: { type: 'string', length: 2 },
    threshold: { type: 'double' },
    durationSeconds: { type: 'integer' },
    severity: { type: 'string', length: 16 },
    emails: { type: 'json' },
    phones: { type: 'json' },
    escalationSeconds: { type: 'integer' },
    enabled: { type: 'boolean', default: true },
    createdBy: { type: 'string', length: 36, nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
