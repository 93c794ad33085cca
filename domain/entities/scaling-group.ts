import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { ScaleInStrategy } from '../autoscaling/victims';
import type { LimitMark } from '../operate/operator-limits';

/** What every member of a group is built from. */
export interface ServerTemplate {
  /** Nova flavor members boot (resolved at creation from the catalog product, or a public flavor). */
  flavorId: string;
  /** The catalog flavor product the group was made with, if any. */
  productId?: string | null;
  imageId: string;
  networkId: string;
  userData?: string | null;
  securityGroups?: string[];
  /** Port the pool sends traffic to on each member. */
  protocolPort: number;
  /** Neutron QoS bandwidth limit applied to each member's ports (kbps), if any. */
  maxKbps?: number | null;
}

export type ScalingGroupStatus = 'active' | 'paused' | 'deleting' | 'deleted';

/** An autoscaling group: a template, its size bounds and the load balancer pool its members join. */
export class ScalingGroup {
  id: string = randomUUID();
  tenantId!: string;
  name!: string;
  template!: ServerTemplate;
  minSize = 1;
  maxSize = 1;
  desiredCapacity = 1;
  /** Octavia pool members join once ACTIVE (null: no load balancer). */
  poolId?: string | null;
  /** Subnet of the pool members' addresses. */
  subnetId?: string | null;
  /** Seconds between two evaluations of the policies. */
  evaluationSeconds = 60;
  /** Group-wide cooldown after any size change, seconds. */
  cooldownSeconds = 300;
  scaleInStrategy: ScaleInStrategy = 'OLDEST_FIRST';
  /** The session limit last set on the group's listener, and who set it (staff limits bind the tenant). */
  sessionLimit?: (LimitMark & { listenerId: string; connectionLimit: number }) | null;
  status: ScalingGroupStatus = 'active';
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const ScalingGroupSchema = new EntitySchema<ScalingGroup>({
  class: ScalingGroup,
  tableName: 'scaling_groups',
  indexes: [{ properties: ['tenantId'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    tenantId: { type: 'string', length: 36 },
    name: { type: 'string', length: 120 },
    template: { type: 'json' },
    minSize: { type: 'integer' },
    maxSize: { type: 'integer' },
    desiredCapacity: { type: 'integer' },
    poolId: { type: 'string', length: 64, nullable: true },
    subnetId: { type: 'string', length: 64, nullable: true },
    evaluationSeconds: { type: 'integer' },
    cooldownSeconds: { type: 'integer' },
    scaleInStrategy: { type: 'string', length: 16 },
    sessionLimit: { type: 'json', nullable: true },
    status: { type: 'string', length: 16 },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
