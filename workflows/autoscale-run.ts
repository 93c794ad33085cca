/**
 * What the phases of a scaling group's workflow share: the activities, the state carried across
 * continue-as-new, and the small steps every phase takes (record a decision, update a member).
 */
import type { MemberRow, SettingsPatch } from '../activities/db/autoscaling';
import type { ScalingDecision } from '../domain/autoscaling/policy';
import { currentCapacity, type GroupMember } from '../domain/autoscaling/reconcile';
import type { AutoscaleActivities } from './autoscale-activities';

export interface DecisionView {
  at: string;
  action: string;
  from: number;
  to: number;
  reason: string;
  policyId?: string;
  metric?: number;
  clampedBy?: string;
}

/** What a run hands to the next one at continue-as-new: signals not yet applied, cooldowns, the latest decisions. */
export interface Carried {
  paused: boolean;
  deleting: boolean;
  lastScaleAt: number | null;
  policyLastAction: Record<string, number>;
  decisions: DecisionView[];
  forced: number | null;
  settings: SettingsPatch | null;
  evaluations: number;
  /** Evaluations in a row that failed (the next waits longer each time); absent in runs from before the patch. */
  failures?: number;
  /** Member builds in a row that failed, and until when no new member is built (ms epoch). */
  buildFailures?: number;
  buildBackoffUntil?: number | null;
}

export const freshCarried = (): Carried => ({
  paused: false,
  deleting: false,
  lastScaleAt: null,
  policyLastAction: {},
  decisions: [],
  forced: null,
  settings: null,
  evaluations: 0,
});

/** A decision on the group's size: a policy's, or `force`, `settings`, `replace`, `quota`, `delete`. */
export type Decision = Omit<ScalingDecision, 'action'> & { action: string };

/** The size of the group's flavor (members' quota and the Nova flavor they boot). */
export interface FlavorFacts {
  name: string;
  vcpus: number;
  ramMb: number;
  diskGb: number;
}

export interface GroupRun {
  groupId: string;
  acts: AutoscaleActivities;
  carried: Carried;
  /** The action decided in the current evaluation: the cause written on the members it creates. */
  periodAction: string | null;
  /** Failing evaluations and member builds are survived with backoff (patch `autoscale-survive-failures`). */
  survive?: boolean;
}

export const autoscaleSurvivePatch = 'autoscale-survive-failures';

/** The wait after the `n`th failure in a row: the evaluation period doubled each time, at most ten minutes. */
export const backoffMs = (evaluationSeconds: number, n: number): number =>
  Math.min(evaluationSeconds * 1000 * 2 ** Math.min(Math.max(n - 1, 0), 20), 10 * 60_000);

const MAX_DECISIONS = 20;

/** Keeps the decision among the latest (for the state query) and in the group's decision history. */
export async function recordDecision(run: GroupRun, d: Decision): Promise<void> {
  const at = Date.now();
  run.carried.decisions = [{ at: new Date(at).toISOString(), ...d }, ...run.carried.decisions].slice(0, MAX_DECISIONS);
  run.periodAction = d.action;
  await run.acts.db.recordScalingDecision({ groupId: run.groupId, ...d, at });
}

/** Writes a member's change, then applies it to the in-memory row the state query shows. */
export async function setMember(
  run: GroupRun,
  m: MemberRow,
  patch: Partial<Pick<MemberRow, 'status' | 'serverId' | 'poolMemberId' | 'address' | 'fault'>>,
): Promise<void> {
  const at = Date.now();
  await run.acts.db.updateScalingMember({ memberId: m.id, ...patch, at });
  Object.assign(m, patch);
  if (patch.status === 'active' && !m.activeAt) m.activeAt = at;
}

export function asGroupMember(m: MemberRow): GroupMember {
  return { id: m.id, state: m.status === 'removed' ? 'removing' : m.status, createdAt: m.createdAt };
}

/** The size the group counts (members building or active). */
export const capacityOf = (members: readonly MemberRow[]): number => currentCapacity(members.map(asGroupMember));

export function failureText(e: unknown): string {
  const f = e as { cause?: { type?: string; message?: string }; message?: string };
  return (f.cause?.message ?? f.message ?? String(e)).slice(0, 480);
}

export function failureType(e: unknown): string | undefined {
  return (e as { cause?: { type?: string } }).cause?.type;
}
