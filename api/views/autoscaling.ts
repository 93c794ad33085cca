import type { ScalingDecisionRecord, ScalingGroup, ScalingMember, ScalingPolicy } from '../../domain/entities';
import type { Schemas } from '../../openapi/types';

export function scalingPolicyView(p: ScalingPolicy): Schemas['ScalingPolicy'] {
  return {
    id: p.id,
    groupId: p.groupId,
    name: p.name,
    comparison: p.comparison,
    threshold: p.threshold,
    windowSeconds: p.windowSeconds,
    adjustmentType: p.adjustmentType,
    adjustment: p.adjustment,
    minAdjustmentStep: p.minAdjustmentStep ?? null,
    cooldownSeconds: p.cooldownSeconds,
    enabled: p.enabled,
    createdAt: p.createdAt.toISOString(),
  };
}

export function scalingGroupView(g: ScalingGroup, policies: ScalingPolicy[]): Schemas['ScalingGroup'] {
  return {
    id: g.id,
    tenantId: g.tenantId,
    name: g.name,
    template: {
      flavorId: g.template.flavorId,
      productId: g.template.productId ?? null,
      imageId: g.template.imageId,
      networkId: g.template.networkId,
      userData: g.template.userData ?? null,
      securityGroups: g.template.securityGroups ?? [],
      protocolPort: g.template.protocolPort,
      maxKbps: g.template.maxKbps ?? null,
    },
    minSize: g.minSize,
    maxSize: g.maxSize,
    desiredCapacity: g.desiredCapacity,
    poolId: g.poolId ?? null,
    subnetId: g.subnetId ?? null,
    evaluationSeconds: g.evaluationSeconds,
    cooldownSeconds: g.cooldownSeconds,
    scaleInStrategy: g.scaleInStrategy,
    status: g.status,
    policies: policies.map(scalingPolicyView),
    createdAt: g.createdAt.toISOString(),
    updatedAt: g.updatedAt.toISOString(),
  };
}

export function scalingMemberView(m: ScalingMember): Schemas['ScalingMember'] {
  return {
    id: m.id,
    groupId: m.groupId,
    serverId: m.serverId ?? null,
    poolMemberId: m.poolMemberId ?? null,
    address: m.address ?? null,
    status: m.status,
    cause: m.cause,
    fault: m.fault ?? null,
    createdAt: m.createdAt.toISOString(),
    activeAt: m.activeAt?.toISOString() ?? null,
    removedAt: m.removedAt?.toISOString() ?? null,
  };
}

export function scalingDecisionView(d: ScalingDecisionRecord): Schemas['ScalingDecision'] {
  return {
    id: d.id,
    action: d.action,
    from: d.fromCapacity,
    to: d.toCapacity,
    policyId: d.policyId ?? null,
    metric: d.metric ?? null,
    reason: d.reason,
    clampedBy: (d.clampedBy ?? null) as Schemas['ScalingDecision']['clampedBy'],
    at: d.decidedAt.toISOString(),
  };
}
