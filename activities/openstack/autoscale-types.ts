/** Shapes the autoscaling OpenStack activities exchange with the workflow (plain JSON). */

export type MemberServerStatus = 'BUILD' | 'ACTIVE' | 'ERROR' | 'GONE' | 'OTHER';

export interface MemberServerState {
  serverId: string;
  status: MemberServerStatus;
  /** First fixed IPv4 address on the template's network (the pool member's address). */
  address: string | null;
  fault: string | null;
}

export interface PoolMemberInput {
  projectId: string | null;
  poolId: string;
  subnetId: string | null;
  address: string;
  protocolPort: number;
  /** The scaling member id: the pool member's name, so a retried add finds it. */
  memberId: string;
}
