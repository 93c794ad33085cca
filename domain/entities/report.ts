import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { ReportFormat, ReportLanguage, ReportSectionName } from '../reports/sections';

export type ReportStatus = 'queued' | 'running' | 'ready' | 'failed' | 'cancelled';

/** What a report covers: its tenant (null: all tenants, staff only), resource type and period. */
export interface ReportFilters {
  tenantId: string | null;
  resourceType: string | null;
  from: string | null;
  to: string | null;
}

/** An export somebody asked for, written by the `report-<id>` workflow and downloaded when ready. */
export class Report {
  id: string = randomUUID();
  requestedBy!: string;
  /** The requester's tenant (null for staff): tenants see only their own tenant's rows. */
  requesterTenantId?: string | null;
  sections!: ReportSectionName[];
  format!: ReportFormat;
  language!: ReportLanguage;
  filters!: ReportFilters;
  status: ReportStatus = 'queued';
  /** Rows to write (counted before writing) and rows written so far. */
  totalRows?: number | null;
  rowsWritten = 0;
  /** Where the worker wrote the file (shared storage between workers and API). */
  filePath?: string | null;
  sizeBytes?: number | null;
  error?: string | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
  finishedAt?: Date | null;
}

export const ReportSchema = new EntitySchema<Report>({
  class: Report,
  tableName: 'reports',
  indexes: [{ properties: ['requestedBy', 'createdAt'] }, { properties: ['status'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    requestedBy: { type: 'string', length: 36 },
    requesterTenantId: { type: 'string', length: 36, nullable: true },
    sections: { type: 'json' },
    format: { type: 'string', length: 8 },
    language: { type: 'string', length: 8 },
    filters: { type: 'json' },
    status: { type: 'string', length: 16 },
    totalRows: { type: 'integer', nullable: true },
    rowsWritten: { type: 'integer' },
    filePath: { type: 'string', length: 1000, nullable: true },
    sizeBytes: { type: 'integer', nullable: true },
    error: { type: 'string', length: 1000, nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
    finishedAt: { type: 'datetime', nullable: true },
  },
});
