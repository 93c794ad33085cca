import type { Orm } from '../../domain/db/orm';
import {
  ScalingDecisionRecord,
  ScalingGroup,
  ScalingMember,
  ScalingPolicy,
  Tenant,
  type ScalingMemberStatus,
  type ServerTemplate,
} from '../../domain/entities';
import type { PolicyRule } from '../../domain/autoscaling/policy';
import type { ScaleInStrategy } from '../../domain/autoscaling/victims';
import { activityRowId } from './activity-key';

export interface GroupSettings {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  poolId: string | null;
  subnetId: string | null;
  evaluationSeconds: number;
  cooldownSeconds: number;
  scaleInStrategy: ScaleInStrategy;
  template: ServerTemplate;
}

export interface MemberRow {
  id: string;
  status: ScalingMemberStatus;
  serverId: string | null;
  poolMemberId: string | null;
  address: string | null;
  cause: string;
  fault: string | null;
  /** ms epoch */
  createdAt: number;
  activeAt: number | null;
}

export interface GroupSnapshot {
  id: string;
  tenantId: string;
  /** The tenant's OpenStack project (null: the platform's configured project). */
  projectId: string | null;
  status: ScalingGroup['status'];
  settings: GroupSettings;
  policies: Omit<PolicyRule, 'lastActionAt'>[];
  /** Members not yet removed. */
  members: MemberRow[];
}

export type SettingsPatch = Partial<Omit<GroupSettings, 'template' | 'name' | 'poolId' | 'subnetId'>>;

export interface DecisionInput {
  groupId: string;
  action: string;
  from: number;
  to: number;
  policyId?: string | null;
  metric?: number | null;
  reason: string;
  clampedBy?: string | null;
  /** ms epoch, from the workflow clock. */
  at: number;
}

export function memberRow(m: ScalingMember): MemberRow {
  return {
    id: m.id,
    status: m.status,
    serverId: m.serverId ?? null,
    poolMemberId: m.poolMemberId ?? null,
    address: m.address ?? null,
    cause: m.cause,
    fault: m.fault ?? null,
    createdAt: m.createdAt.getTime(),
    activeAt: m.activeAt?.getTime() ?? null,
  };
}

export function policyRule(p: ScalingPolicy): Omit<PolicyRule, 'lastActionAt'> {
  return {
    id: p.id,
    name: p.name,
    comparison: p.comparison,
    threshold: p.threshold,
    windowSeconds: p.windowSeconds,
    adjustment: { type: p.adjustmentType, value: p.adjustment, minAdjustmentStep: p.minAdjustmentStep ?? null },
    cooldownSeconds: p.cooldownSeconds,
    enabled: p.enabled,
  };
}

/** Database side of a scaling group's workflow. Every activity writes absolute values, so retries are harmless. */
export function createAutoscalingRecordActivities(orm: Orm) {
  return {
    async loadScalingGroup({ groupId }: { groupId: string }): Promise<GroupSnapshot | null> {
      const em = orm.em.fork();
      const g = await em.findOne(ScalingGroup, { id: groupId });
      if (!g) return null;
      const [tenant, policies, members] = await Promise.all([
        em.findOne(Tenant, { id: g.tenantId }),
        em.find(ScalingPolicy, { groupId }, { orderBy: { createdAt: 'asc', id: 'asc' } }),
        em.find(ScalingMember, { groupId, status: { $ne: 'removed' } }, { orderBy: { createdAt: 'asc', id: 'asc' } }),
      ]);
      return {
        id: g.id,
        tenantId: g.tenantId,
        projectId: tenant?.openstackProjectId ?? null,
        status: g.status,
        settings: {
          name: g.name,
          minSize: g.minSize,
          maxSize: g.maxSize,
          desiredCapacity: g.desiredCapacity,
          poolId: g.poolId ?? null,
          subnetId: g.subnetId ?? null,
          evaluationSeconds: g.evaluationSeconds,
          cooldownSeconds: g.cooldownSeconds,
          scaleInStrategy: g.scaleInStrategy,
          template: g.template,
        },
        policies: policies.map(policyRule),
        members: members.map(memberRow),
      };
    },

    async saveGroupSettings({
      groupId,
      patch,
      status,
    }: {
      groupId: string;
      patch: SettingsPatch;
      status?: ScalingGroup['status'];
    }): Promise<void> {
      const em = orm.em.fork();
      const g = await em.findOneOrFail(ScalingGroup, { id: groupId });
      Object.assign(g, patch);
      if (status) g.status = status;
      await em.flush();
    },

    /** Keyed by the activity execution: a retry after a lost reply finds the row it wrote and adds none. */
    async recordScalingDecision(d: DecisionInput): Promise<void> {
      const em = orm.em.fork();
      const id = activityRowId();
      if (await em.findOne(ScalingDecisionRecord, { id })) return;
      em.persist(
        Object.assign(new ScalingDecisionRecord(), {
          id,
          groupId: d.groupId,
          action: d.action,
          fromCapacity: d.from,
          toCapacity: d.to,
          policyId: d.policyId ?? null,
          metric: d.metric ?? null,
          reason: d.reason.slice(0, 500),
          clampedBy: d.clampedBy ?? null,
          decidedAt: new Date(d.at),
        }),
      );
      await em.flush();
    },

    /** Creates the member's row (a retry finds the one already written). */
    async addScalingMember(input: {
      memberId: string;
      groupId: string;
      tenantId: string;
      cause: string;
      at: number;
    }): Promise<void> {
      const em = orm.em.fork();
      if (await em.findOne(ScalingMember, { id: input.memberId })) return;
      em.persist(
        Object.assign(new ScalingMember(), {
          id: input.memberId,
          groupId: input.groupId,
          tenantId: input.tenantId,
          cause: input.cause,
          createdAt: new Date(input.at),
        }),
      );
      await em.flush();
    },

    async updateScalingMember(input: {
      memberId: string;
      status?: ScalingMemberStatus;
      serverId?: string | null;
      poolMemberId?: string | null;
      address?: string | null;
      fault?: string | null;
      at: number;
    }): Promise<void> {
      const em = orm.em.fork();
      const m = await em.findOneOrFail(ScalingMember, { id: input.memberId });
      const { memberId: _id, at, ...patch } = input;
      for (const [k, v] of Object.entries(patch)) if (v !== undefined) (m as unknown as Record<string, unknown>)[k] = v;
      if (input.status === 'active' && !m.activeAt) m.activeAt = new Date(at);
      if (input.status === 'removed') m.removedAt = new Date(at);
      await em.flush();
    },
  };
}

export type AutoscalingRecordActivities = ReturnType<typeof createAutoscalingRecordActivities>;
