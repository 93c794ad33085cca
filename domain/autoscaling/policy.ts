import { clampCapacity, requestedCapacity, type Adjustment, type ClampReason } from './adjustment';
import { inCooldown } from './cooldown';

export const policyComparisons = ['above', 'below'] as const;
export type PolicyComparison = (typeof policyComparisons)[number];

/** A rule on the group's average CPU: when it is above/below `threshold`, adjust the size. */
export interface PolicyRule {
  id: string;
  name: string;
  comparison: PolicyComparison;
  /** Percent CPU. */
  threshold: number;
  /** Window of the average, seconds. */
  windowSeconds: number;
  adjustment: Adjustment;
  /** No other scaling action by this policy (nor by the group) for this long after it acted. */
  cooldownSeconds: number;
  enabled: boolean;
  /** ms epoch of the last time this policy changed the size. */
  lastActionAt?: number | null;
}

export interface EvaluationInput {
  /** The size the group is at (members counted toward capacity). */
  current: number;
  min: number;
  max: number;
  /** Members the quota still allows (undefined: unlimited). */
  quotaHeadroom?: number;
  /** Group-wide cooldown and the last time the group scaled (any policy, signal or forced size). */
  groupCooldownSeconds: number;
  lastScaleAt?: number | null;
  /** Average CPU per window length (seconds → percent); missing when Prometheus had no data. */
  metrics: Record<number, number | undefined>;
  now: number;
}

export type DecisionAction = 'scale_out' | 'scale_in' | 'none';

export interface ScalingDecision {
  action: DecisionAction;
  from: number;
  to: number;
  policyId?: string;
  metric?: number;
  reason: string;
  clampedBy?: ClampReason;
}

function triggered(rule: PolicyRule, value: number | undefined): value is number {
  if (value === undefined || Number.isNaN(value)) return false;
  return rule.comparison === 'above' ? value > rule.threshold : value < rule.threshold;
}

/**
 * Decides one evaluation period. Every enabled policy whose condition holds is a candidate; the
 * group's and the policy's cooldowns hold it back; among the rest, growth wins over shrinking
 * (the safe side), then the largest change. The result is clamped to min/max/quota.
 */
export function evaluatePolicies(rules: readonly PolicyRule[], input: EvaluationInput): ScalingDecision {
  const { current } = input;
  const none = (reason: string, extra: Partial<ScalingDecision> = {}): ScalingDecision => ({
    action: 'none',
    from: current,
    to: current,
    reason,
    ...extra,
  });
  const fired = rules.filter((r) => r.enabled && triggered(r, input.metrics[r.windowSeconds]));
  if (!fired.length) {
    const anyData = rules.some((r) => r.enabled && input.metrics[r.windowSeconds] !== undefined);
    return none(anyData || !rules.length ? 'no policy condition holds' : 'no metric data');
  }
  if (inCooldown(input.lastScaleAt, input.groupCooldownSeconds, input.now)) {
    return none('group cooldown', { policyId: fired[0]!.id, metric: input.metrics[fired[0]!.windowSeconds] });
  }
  const ready = fired.filter((r) => !inCooldown(r.lastActionAt, r.cooldownSeconds, input.now));
  if (!ready.length)
    return none('policy cooldown', { policyId: fired[0]!.id, metric: input.metrics[fired[0]!.windowSeconds] });

  const bounds = { min: input.min, max: input.max, quotaHeadroom: input.quotaHeadroom };
  const candidates = ready.map((rule) => {
    const metric = input.metrics[rule.windowSeconds]!;
    const requested = requestedCapacity(current, rule.adjustment);
    return { rule, metric, requested, ...clampCapacity(current, requested, bounds) };
  });
  candidates.sort((a, b) => b.capacity - current - (a.capacity - current));
  const growth = candidates.find((c) => c.capacity > current);
  const pick = growth ?? candidates[candidates.length - 1]!;
  const base = {
    policyId: pick.rule.id,
    metric: pick.metric,
    ...(pick.clampedBy ? { clampedBy: pick.clampedBy } : {}),
  };
  const why = `${pick.rule.name}: cpu ${pick.metric.toFixed(1)}% ${pick.rule.comparison} ${pick.rule.threshold}%`;
  if (pick.capacity === current)
    return none(`${why}, size held at ${current} by ${pick.clampedBy ?? 'adjustment'}`, base);
  return {
    action: pick.capacity > current ? 'scale_out' : 'scale_in',
    from: current,
    to: pick.capacity,
    reason: why,
    ...base,
  };
}
