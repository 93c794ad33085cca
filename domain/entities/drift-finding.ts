import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * An OpenStack object in a tenant's project that the platform has no record of, as the drift
 * reconciler last saw it. Resolved when a later run no longer finds it (or the platform adopts it).
 */
export class DriftFinding {
  id: string = randomUUID();
  kind!: string;
  openstackId!: string;
  projectId!: string;
  tenantId?: string | null;
  name!: string;
  osStatus?: string | null;
  firstSeenAt: Date = new Date();
  lastSeenAt: Date = new Date();
  resolvedAt?: Date | null;
}

export const DriftFindingSchema = new EntitySchema<DriftFinding>({
  class: DriftFinding,
  tableName: 'drift_findings',
  uniques: [{ properties: ['kind', 'openstackId'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    kind: { type: 'string', length: 24 },
    openstackId: { type: 'string', length: 64 },
    projectId: { type: 'string', length: 64 },
    tenantId: { type: 'string', length: 36, nullable: true },
    name: { type: 'string', length: 255 },
    osStatus: { type: 'string', length: 32, nullable: true },
    firstSeenAt: { type: 'datetime' },
    lastSeenAt: { type: 'datetime' },
    resolvedAt: { type: 'datetime', nullable: true },
  },
});
