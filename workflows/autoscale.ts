/**
 * `autoscale-<groupId>`: the one process that sizes a scaling group. Every evaluation period it
 * loads the group (DB), marks members whose server failed (Nova), applies signalled settings, sizes
 * the group (a forced size, or the pure policy rules on the members' average CPU from Prometheus),
 * then brings the members to the desired size (`autoscale-members.ts`: new members built by the
 * provisioning workflow and only once ACTIVE added to the pool; leaving members out of the pool
 * first, then torn down; members in ERROR replaced). It continues-as-new to keep its history short,
 * carrying cooldowns and the last decisions.
 */
import {
  CancellationScope,
  ContinueAsNew,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { GroupSnapshot, MemberRow, SettingsPatch } from '../activities/db/autoscaling';
import { cooldownEndsAt } from '../domain/autoscaling/cooldown';
import { autoscaleActivities } from './autoscale-activities';
import { deleteGroup, markFailedMembers, reconcileMembers, releaseUnfollowed } from './autoscale-members';
import {
  autoscaleSurvivePatch,
  backoffMs,
  capacityOf,
  failureText,
  freshCarried,
  recordDecision,
  type Carried,
  type DecisionView,
  type FlavorFacts,
  type GroupRun,
} from './autoscale-run';
import { applySettings, evaluateMetrics, forceSize, scaleBy, sizeBounds, type Evaluation } from './autoscale-size';

export type { DecisionView } from './autoscale-run';

export interface AutoscaleInput {
  groupId: string;
  /** Evaluations per run before continue-as-new (default 200). */
  evaluationsPerRun?: number;
  carried?: Carried;
}

export type AutoscaleStatus = 'running' | 'paused' | 'deleting' | 'deleted';

export interface AutoscaleState {
  groupId: string;
  status: AutoscaleStatus;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  currentCapacity: number;
  members: Array<
    Pick<MemberRow, 'id' | 'status' | 'serverId' | 'address' | 'poolMemberId' | 'cause' | 'fault'> & {
      createdAt: string;
      activeAt: string | null;
    }
  >;
  /** Average CPU per policy window (seconds → percent) at the last evaluation. */
  lastMetrics: Record<string, number>;
  lastEvaluationAt: string | null;
  lastEvaluation: string | null;
  cooldownEndsAt: string | null;
  evaluations: number;
  /** The latest decisions that changed (or were asked to change) the size, newest first. */
  decisions: DecisionView[];
}

export const autoscaleWorkflowId = (groupId: string) => `autoscale-${groupId}`;
/** The failure envelope: histories from before it replay without it. */
export const autoscaleEnvelopePatch = 'autoscale-failure-envelope';
export const updateSettingsSignal = defineSignal<[SettingsPatch]>('updateSettings');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const forceSizeSignal = defineSignal<[{ size: number }]>('forceSize');
export const deleteGroupSignal = defineSignal('deleteGroup');
export const autoscaleStateQuery = defineQuery<AutoscaleState>('state');

/** What the state query shows besides the carried state: the group as last loaded, the last evaluation. */
interface Shown {
  group: GroupSnapshot | null;
  evaluation: Evaluation | null;
  finished: boolean;
  /** The last evaluation failed: why, and when the next one runs. */
  failure: { at: number; text: string } | null;
}

/** The size of a group whose flavor cannot be read: enough to delete it (members give back what they hold). */
const unknownSize: FlavorFacts = { name: 'unknown', vcpus: 0, ramMb: 0, diskGb: 0 };

export async function autoscaleWorkflow(input: AutoscaleInput): Promise<AutoscaleState> {
  const run: GroupRun = {
    groupId: input.groupId,
    acts: autoscaleActivities(),
    carried: input.carried ?? freshCarried(),
    periodAction: null,
  };
  const { carried } = run;
  const shown: Shown = { group: null, evaluation: null, finished: false, failure: null };
  let wake = false;
  const signalled = (apply: () => void) => {
    apply();
    wake = true;
  };
  setHandler(updateSettingsSignal, (patch) => signalled(() => (carried.settings = { ...carried.settings, ...patch })));
  setHandler(pauseSignal, () => signalled(() => (carried.paused = true)));
  setHandler(resumeSignal, () => signalled(() => (carried.paused = false)));
  setHandler(forceSizeSignal, ({ size }) => signalled(() => (carried.forced = size)));
  setHandler(deleteGroupSignal, () => signalled(() => (carried.deleting = true)));
  setHandler(autoscaleStateQuery, () => stateOf(run, shown));
  const finish = () => {
    shown.finished = true;
    return stateOf(run, shown);
  };

  const perRun = input.evaluationsPerRun ?? 200;
  // A failing evaluation (a bad flavor, Octavia or Nova down past every retry) is survived: the group keeps its
  // workflow, shows why, and tries again after a backoff; a signal (delete, settings) tries again at once.
  run.survive = patched(autoscaleSurvivePatch);
  // Whatever ends the workflow (a cancel, a failure), members being built or removed give back what they hold; a
  // fresh run (not a continuation) first settles those an earlier run left behind (it was terminated, or lost).
  const envelope = patched(autoscaleEnvelopePatch);
  let orphansToSettle = envelope && !input.carried;
  const evaluate = async (): Promise<'finished' | 'evaluated'> => {
    const group = (shown.group = await run.acts.db.loadScalingGroup({ groupId: run.groupId }));
    if (!group || group.status === 'deleted') return 'finished';
    const flavor = { projectId: group.projectId, flavorId: group.settings.template.flavorId };
    // Deleting does not need the flavor: members give back the quota their reservations hold.
    const size: FlavorFacts =
      (run.survive && carried.deleting) || orphansToSettle
        ? await run.acts.os.memberFlavorSize(flavor).catch(() => unknownSize)
        : await run.acts.os.memberFlavorSize(flavor);
    if (orphansToSettle) {
      const n = await releaseUnfollowed(run, group, size, "its build was lost with the group's previous process");
      if (n) await recordUnfollowed(run, group, `${n} member(s) left by the group's previous process removed`);
      orphansToSettle = false;
    }
    if (carried.deleting) {
      await deleteGroup(run, group, size);
      return 'finished';
    }

    run.periodAction = null;
    await applySettings(run, group);
    await markFailedMembers(run, group);
    carried.evaluations++;
    const bounds = await sizeBounds(run, group, size);
    if (carried.forced !== null) await forceSize(run, group, bounds);
    else if (!carried.paused) {
      const { evaluation, decision } = await evaluateMetrics(run, group, bounds);
      shown.evaluation = evaluation;
      await scaleBy(run, group, decision, evaluation.at);
    }
    await reconcileMembers(run, group, size);
    return 'evaluated';
  };
  if (!envelope) return evaluationLoop();
  try {
    return await evaluationLoop();
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    const cause = isCancellation(err)
      ? "the group's process was cancelled"
      : `the group's process failed: ${failureText(err)}`;
    await CancellationScope.nonCancellable(async () => {
      const settle: GroupRun = { ...run, acts: autoscaleActivities({ settle: true }) };
      const group = await settle.acts.db.loadScalingGroup({ groupId: run.groupId });
      if (!group || group.status === 'deleted') return;
      const flavor = { projectId: group.projectId, flavorId: group.settings.template.flavorId };
      const size = await run.acts.os.memberFlavorSize(flavor).catch(() => unknownSize);
      const n = await releaseUnfollowed(settle, group, size, cause);
      await recordUnfollowed(settle, group, n ? `${cause}: ${n} member(s) being built or removed removed` : cause);
    });
    throw err;
  }

  async function evaluationLoop(): Promise<AutoscaleState> {
    for (let i = 0; ; i++) {
      let waitMs: number;
      try {
        if ((await evaluate()) === 'finished') return finish();
        carried.failures = 0;
        shown.failure = null;
        waitMs = shown.group!.settings.evaluationSeconds * 1000;
      } catch (e) {
        if (!run.survive) throw e;
        const n = (carried.failures = (carried.failures ?? 0) + 1);
        waitMs = backoffMs(shown.group?.settings.evaluationSeconds ?? 60, n);
        shown.failure = {
          at: Date.now(),
          text: `evaluation failed (${n} in a row, next in ${Math.round(waitMs / 1000)} s): ${failureText(e)}`,
        };
        // The first failure of a streak goes into the group's decision history; the state query shows every one.
        if (n === 1)
          await run.acts.db.recordScalingDecision({
            groupId: run.groupId,
            action: 'error',
            from: capacityOf(shown.group?.members ?? []),
            to: shown.group?.settings.desiredCapacity ?? 0,
            reason: shown.failure.text,
            at: Date.now(),
          });
      }

      wake = false;
      await condition(() => wake, waitMs);
      if (i + 1 >= perRun || workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof autoscaleWorkflow>({
          groupId: run.groupId,
          evaluationsPerRun: input.evaluationsPerRun,
          carried,
        });
      }
    }
  }
}

/** What the group's process did with members it found unfollowed, in the decision history (action error). */
function recordUnfollowed(run: GroupRun, group: GroupSnapshot, reason: string): Promise<void> {
  return recordDecision(run, {
    action: 'error',
    from: capacityOf(group.members),
    to: group.settings.desiredCapacity,
    reason,
  });
}

function stateOf(run: GroupRun, shown: Shown): AutoscaleState {
  const { carried } = run;
  const s = shown.group?.settings;
  const members = shown.group?.members ?? [];
  const ev = shown.evaluation;
  const cooldown = s ? cooldownEndsAt(carried.lastScaleAt, s.cooldownSeconds, Date.now()) : null;
  return {
    groupId: run.groupId,
    status: shown.finished ? 'deleted' : carried.deleting ? 'deleting' : carried.paused ? 'paused' : 'running',
    minSize: s?.minSize ?? 0,
    maxSize: s?.maxSize ?? 0,
    desiredCapacity: s?.desiredCapacity ?? 0,
    currentCapacity: capacityOf(members),
    members: members.map((m) => ({
      id: m.id,
      status: m.status,
      serverId: m.serverId,
      address: m.address,
      poolMemberId: m.poolMemberId,
      cause: m.cause,
      fault: m.fault,
      createdAt: new Date(m.createdAt).toISOString(),
      activeAt: m.activeAt ? new Date(m.activeAt).toISOString() : null,
    })),
    lastMetrics: ev?.metrics ?? {},
    lastEvaluationAt: shown.failure
      ? new Date(shown.failure.at).toISOString()
      : ev
        ? new Date(ev.at).toISOString()
        : null,
    lastEvaluation: shown.failure?.text ?? ev?.summary ?? null,
    cooldownEndsAt: cooldown ? new Date(cooldown).toISOString() : null,
    evaluations: carried.evaluations,
    decisions: carried.decisions,
  };
}
