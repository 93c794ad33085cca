import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { AlarmEventType, AlarmStatus } from '../monitoring/alarm-types';

/** One firing episode of an alert (Alertmanager fingerprint + start), driven by its `alarm-<fingerprint>` workflow. */
export class Alarm {
  id: string = randomUUID();
  fingerprint!: string;
  startsAt!: Date;
  ruleId?: string | null;
  ruleName!: string;
  severity!: string;
  objectType?: string | null;
  objectId?: string | null;
  labels: Record<string, string> = {};
  summary!: string;
  status: AlarmStatus = 'firing';
  workflowId!: string;
  notifiedAt?: Date | null;
  escalatedAt?: Date | null;
  acknowledgedBy?: string | null;
  acknowledgedAt?: Date | null;
  resolvedAt?: Date | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const AlarmSchema = new EntitySchema<Alarm>({
  class: Alarm,
  tableName: 'alarms',
  uniques: [{ properties: ['fingerprint', 'startsAt'] }],
  indexes: [{ properties: ['status', 'createdAt'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    fingerprint: { type: 'string', length: 64 },
    startsAt: { type: 'datetime' },
    ruleId: { type: 'string', length: 36, nullable: true },
    ruleName: { type: 'string', length: 120 },
    severity: { type: 'string', length: 16 },
    objectType: { type: 'string', length: 16, nullable: true },
    objectId: { type: 'string', length: 255, nullable: true },
    labels: { type: 'json' },
    summary: { type: 'string', length: 1000 },
    status: { type: 'string', length: 16 },
    workflowId: { type: 'string', length: 120 },
    notifiedAt: { type: 'datetime', nullable: true },
    escalatedAt: { type: 'datetime', nullable: true },
    acknowledgedBy: { type: 'string', length: 254, nullable: true },
    acknowledgedAt: { type: 'datetime', nullable: true },
    resolvedAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});

/** One step of an alarm's history. */
export class AlarmEvent {
  id: string = randomUUID();
  alarmId!: string;
  type!: AlarmEventType;
  at: Date = new Date();
  actor?: string | null;
  details: Record<string, unknown> = {};
}

export const AlarmEventSchema = new EntitySchema<AlarmEvent>({
  class: AlarmEvent,
  tableName: 'alarm_events',
  indexes: [{ properties: ['alarmId', 'at'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    alarmId: { type: 'string', length: 36 },
    type: { type: 'string', length: 24 },
    at: { type: 'datetime' },
    actor: { type: 'string', length: 254, nullable: true },
    details: { type: 'json' },
  },
});
