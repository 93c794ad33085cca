import { EntitySchema } from '@mikro-orm/core';

export type AuditResult = 'success' | 'failure' | 'denied';

export class AuditEntry {
  id!: number;
  at: Date = new Date();
  actorId?: string | null;
  actorEmail?: string | null;
  tenantId?: string | null;
  action!: string;
  targetType?: string | null;
  targetId?: string | null;
  result!: AuditResult;
  statusCode?: number | null;
  clientIp?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown> | null;
}

export const AuditEntrySchema = new EntitySchema<AuditEntry>({
  class: AuditEntry,
  tableName: 'audit_log',
  indexes: [{ properties: ['tenantId', 'at'] }, { properties: ['action'] }],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    at: { type: 'datetime', index: true },
    actorId: { type: 'string', length: 36, nullable: true, index: true },
    actorEmail: { type: 'string', length: 254, nullable: true },
    tenantId: { type: 'string', length: 36, nullable: true },
    action: { type: 'string', length: 80 },
    targetType: { type: 'string', length: 40, nullable: true },
    targetId: { type: 'string', length: 80, nullable: true },
    result: { type: 'string', length: 16 },
    statusCode: { type: 'integer', nullable: true },
    clientIp: { type: 'string', length: 64, nullable: true },
    requestId: { type: 'string', length: 64, nullable: true },
    details: { type: 'json', nullable: true },
  },
});
