/**
 * The sizing phases of an evaluation: signalled settings, then a forced size or the policies on the
 * members' CPU, each ending in the group's desired capacity (saved) and a recorded decision.
 */
import type { GroupSnapshot } from '../activities/db/autoscaling';
import { clampCapacity, type CapacityBounds } from '../domain/autoscaling/adjustment';
import { evaluatePolicies, type PolicyRule } from '../domain/autoscaling/policy';
import { changeSettings } from '../domain/autoscaling/settings';
import {
  capacityOf,
  failureText,
  recordDecision,
  type Decision,
  type FlavorFacts,
  type GroupRun,
} from './autoscale-run';

/** The group's size and what bounds it now: min, max, and the members the tenant's quota still allows. */
export interface SizeBounds extends CapacityBounds {
  current: number;
}

/** What the state query shows of the last policy evaluation. */
export interface Evaluation {
  /** Average CPU per policy window (seconds → percent). */
  metrics: Record<string, number>;
  at: number;
  summary: string;
}

/** Settings signalled since the last evaluation: applied within the bounds and saved; a moved desired size is a decision. */
export async function applySettings(run: GroupRun, group: GroupSnapshot): Promise<void> {
  const patch = run.carried.settings;
  run.carried.settings = null;
  if (!patch) return;
  const change = changeSettings(group.settings, patch);
  if (!change) return;
  const before = group.settings.desiredCapacity;
  const desired = change.settings.desiredCapacity;
  Object.assign(group.settings, change.settings);
  await run.acts.db.saveGroupSettings({ groupId: run.groupId, patch: { ...patch, desiredCapacity: desired } });
  if (desired !== before)
    await recordDecision(run, {
      action: 'settings',
      from: before,
      to: desired,
      reason: 'settings changed',
      ...(change.clampedBy ? { clampedBy: change.clampedBy } : {}),
    });
}

export async function sizeBounds(run: GroupRun, group: GroupSnapshot, size: FlavorFacts): Promise<SizeBounds> {
  const { minSize, maxSize } = group.settings;
  const current = capacityOf(group.members);
  const headroom = await run.acts.db.memberQuotaHeadroom({
    tenantId: group.tenantId,
    size: { vcpus: size.vcpus, ramMb: size.ramMb },
    upTo: Math.max(0, maxSize - current),
  });
  return { current, min: minSize, max: maxSize, quotaHeadroom: headroom === null ? undefined : headroom };
}

/** The signalled forced size, clamped to the bounds, becomes the desired capacity (and starts the cooldown). */
export async function forceSize(run: GroupRun, group: GroupSnapshot, bounds: SizeBounds): Promise<void> {
  const requested = run.carried.forced!;
  run.carried.forced = null;
  const { capacity, clampedBy } = clampCapacity(bounds.current, requested, bounds);
  run.carried.lastScaleAt = Date.now();
  await resize(run, group, {
    action: 'force',
    from: bounds.current,
    to: capacity,
    reason: `size forced to ${requested}`,
    ...(clampedBy ? { clampedBy } : {}),
  });
}

/** Reads the members' CPU over the enabled policies' windows and decides with the pure policy rules. */
export async function evaluateMetrics(
  run: GroupRun,
  group: GroupSnapshot,
  bounds: SizeBounds,
): Promise<{ evaluation: Evaluation; decision: Decision }> {
  const { carried } = run;
  const rules: PolicyRule[] = group.policies.map((p) => ({
    ...p,
    lastActionAt: carried.policyLastAction[p.id] ?? null,
  }));
  const windows = [...new Set(rules.filter((r) => r.enabled).map((r) => r.windowSeconds))];
  let metrics: Record<number, number> = {};
  let metricsError: string | null = null;
  if (windows.length) {
    try {
      metrics = await run.acts.metrics.groupCpuAverage({ groupId: run.groupId, windows });
    } catch (e) {
      metricsError = failureText(e);
    }
  }
  const now = Date.now();
  const decision = evaluatePolicies(rules, {
    ...bounds,
    groupCooldownSeconds: group.settings.cooldownSeconds,
    lastScaleAt: carried.lastScaleAt,
    metrics,
    now,
  });
  const summary = metricsError ? `metrics unavailable: ${metricsError}` : decision.reason;
  return { evaluation: { metrics: Object.fromEntries(Object.entries(metrics)), at: now, summary }, decision };
}

/** A policy's decision to scale out or in: the new desired capacity, with the group's and the policy's cooldowns. */
export async function scaleBy(run: GroupRun, group: GroupSnapshot, decision: Decision, at: number): Promise<void> {
  if (decision.action === 'none') return;
  run.carried.lastScaleAt = at;
  if (decision.policyId) run.carried.policyLastAction[decision.policyId] = at;
  await resize(run, group, decision);
}

async function resize(run: GroupRun, group: GroupSnapshot, decision: Decision): Promise<void> {
  group.settings.desiredCapacity = decision.to;
  await run.acts.db.saveGroupSettings({ groupId: run.groupId, patch: { desiredCapacity: decision.to } });
  await recordDecision(run, decision);
}
