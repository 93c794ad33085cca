import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export type ScalingMemberStatus = 'building' | 'active' | 'error' | 'removing' | 'removed';

/** One server of a scaling group and its place in the load balancer pool. */
export class ScalingMember {
  id: string = randomUUID();
  groupId!: string;
  tenantId!: string;
  /** The Nova server (null until it is created). */
  serverId?: string | null;
  /** The Octavia pool member (null until the server joined the pool). */
  poolMemberId?: string | null;
  address?: string | null;
  status: ScalingMemberStatus = 'building';
  /** Why it was created: scale_out, replace (of a member in ERROR) or a forced size. */
  cause!: string;
  fault?: string | null;
  createdAt: Date = new Date();
  activeAt?: Date | null;
  removedAt?: Date | null;
}

export const ScalingMemberSchema = new EntitySchema<ScalingMember>({
  class: ScalingMember,
  tableName: 'scaling_members',
  indexes: [{ properties: ['groupId', 'status'] }],
  properties: {
    id: { type: 'string', length: 36, primary: true },
    groupId: { type: 'string', length: 36 },
    tenantId: { type: 'string', length: 36 },
    serverId: { type: 'string', length: 64, nullable: true },
    poolMemberId: { type: 'string', length: 64, nullable: true },
    address: { type: 'string', length: 64, nullable: true },
    status: { type: 'string', length: 16 },
    cause: { type: 'string', length: 24 },
    fault: { type: 'string', length: 500, nullable: true },
    createdAt: { type: 'datetime' },
    activeAt: { type: 'datetime', nullable: true },
    removedAt: { type: 'datetime', nullable: true },
  },
});
