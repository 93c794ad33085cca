/**
 * `autoscale-<groupId>`: the one process that sizes a scaling group. Every evaluation period it
 * reads the group (DB), checks its members' servers (Nova), reads the average CPU of the members
 * (Prometheus), decides with the pure policy rules, then brings the members to the desired size:
 * new members are built by the provisioning workflow (`provision-<memberId>` child, in the tenant's
 * project) and only once ACTIVE added to the pool; leaving members are taken out of the pool first,
 * then torn down by the provisioning activities. Members in ERROR are replaced. It continues-as-new to keep
 * its history short, carrying cooldowns and the last decisions.
 */
import {
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  executeChild,
  proxyActivities,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { AutoscalingQuotaActivities } from '../activities/db/autoscaling-quota';
import type {
  AutoscalingRecordActivities,
  GroupSnapshot,
  MemberRow,
  SettingsPatch,
} from '../activities/db/autoscaling';
import type { MetricsActivities } from '../activities/metrics/group-cpu';
import type { AutoscaleMemberActivities, createFlavorSizeActivity } from '../activities/openstack/autoscale-members';
import type { IsolationActivities } from '../activities/openstack/isolation';
import type { ProvisionActivities } from '../activities/openstack/provision-types';
import { clampCapacity } from '../domain/autoscaling/adjustment';
import { cooldownEndsAt } from '../domain/autoscaling/cooldown';
import { evaluatePolicies, type ScalingDecision } from '../domain/autoscaling/policy';
import { currentCapacity, planReconcile, type GroupMember } from '../domain/autoscaling/reconcile';
import { queuesOf } from '../domain/task-queues';
import { provisionItemWorkflow, type ProvisionInput } from './provision';
import { retryPresets } from './retry-presets';
import { flavorSizingName } from '../domain/catalog/nova-flavor';

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

interface Carried {
  paused: boolean;
  deleting: boolean;
  lastScaleAt: number | null;
  policyLastAction: Record<string, number>;
  decisions: DecisionView[];
  forced: number | null;
  settings: SettingsPatch | null;
  evaluations: number;
}

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

export const updateSettingsSignal = defineSignal<[SettingsPatch]>('updateSettings');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const forceSizeSignal = defineSignal<[{ size: number }]>('forceSize');
export const deleteGroupSignal = defineSignal('deleteGroup');
export const autoscaleStateQuery = defineQuery<AutoscaleState>('state');

const MAX_DECISIONS = 20;

interface FlavorFacts {
  name: string;
  vcpus: number;
  ramMb: number;
  diskGb: number;
}

const queues = queuesOf(workflowInfo().taskQueue);
const db = proxyActivities<AutoscalingRecordActivities & AutoscalingQuotaActivities & MetricsActivities>({
  taskQueue: queues.orchestration,
  startToCloseTimeout: '30 seconds',
  retry: retryPresets.orchestration,
});
const metricsOnce = proxyActivities<MetricsActivities>({
  taskQueue: queues.orchestration,
  startToCloseTimeout: '10 seconds',
  retry: { ...retryPresets.orchestration, maximumAttempts: 2 },
});
const os = proxyActivities<
  AutoscaleMemberActivities & ReturnType<typeof createFlavorSizeActivity> & IsolationActivities
>({
  taskQueue: queues.openstack,
  startToCloseTimeout: '2 minutes',
  retry: { ...retryPresets.openstack, maximumAttempts: 20 },
});
const provisioning = proxyActivities<Pick<ProvisionActivities, 'teardownItem' | 'ensureTenantProject'>>({
  taskQueue: queues.openstack,
  startToCloseTimeout: '10 minutes',
  retry: { ...retryPresets.openstack, maximumAttempts: 10 },
});
/** How long a member may take to turn ACTIVE before its provisioning fails (and it is replaced). */
const MEMBER_ACTIVE_TIMEOUT_MS = 10 * 60_000;

function failureText(e: unknown): string {
  const f = e as { cause?: { type?: string; message?: string }; message?: string };
  return (f.cause?.message ?? f.message ?? String(e)).slice(0, 480);
}

function failureType(e: unknown): string | undefined {
  return (e as { cause?: { type?: string } }).cause?.type;
}

export async function autoscaleWorkflow(input: AutoscaleInput): Promise<AutoscaleState> {
  const { groupId } = input;
  const c: Carried = input.carried ?? {
    paused: false,
    deleting: false,
    lastScaleAt: null,
    policyLastAction: {},
    decisions: [],
    forced: null,
    settings: null,
    evaluations: 0,
  };
  let wake = false;
  let snap: GroupSnapshot | null = null;
  let lastMetrics: Record<string, number> = {};
  let lastEvaluationAt: number | null = null;
  let lastEvaluation: string | null = null;
  let finished = false;
  /** The action decided in the current evaluation: the cause written on the members it creates. */
  let iterationAction: string | null = null;

  setHandler(updateSettingsSignal, (patch) => {
    c.settings = { ...c.settings, ...patch };
    wake = true;
  });
  setHandler(pauseSignal, () => {
    c.paused = true;
    wake = true;
  });
  setHandler(resumeSignal, () => {
    c.paused = false;
    wake = true;
  });
  setHandler(forceSizeSignal, ({ size }) => {
    c.forced = size;
    wake = true;
  });
  setHandler(deleteGroupSignal, () => {
    c.deleting = true;
    wake = true;
  });
  setHandler(autoscaleStateQuery, () => view());

  function view(): AutoscaleState {
    const s = snap?.settings;
    const members = snap?.members ?? [];
    const cooldown = s ? cooldownEndsAt(c.lastScaleAt, s.cooldownSeconds, Date.now()) : null;
    return {
      groupId,
      status: finished ? 'deleted' : c.deleting ? 'deleting' : c.paused ? 'paused' : 'running',
      minSize: s?.minSize ?? 0,
      maxSize: s?.maxSize ?? 0,
      desiredCapacity: s?.desiredCapacity ?? 0,
      currentCapacity: currentCapacity(members.map(asGroupMember)),
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
      lastMetrics,
      lastEvaluationAt: lastEvaluationAt ? new Date(lastEvaluationAt).toISOString() : null,
      lastEvaluation,
      cooldownEndsAt: cooldown ? new Date(cooldown).toISOString() : null,
      evaluations: c.evaluations,
      decisions: c.decisions,
    };
  }

  async function decide(d: Omit<ScalingDecision, 'action'> & { action: string }): Promise<void> {
    const at = Date.now();
    c.decisions = [{ at: new Date(at).toISOString(), ...d }, ...c.decisions].slice(0, MAX_DECISIONS);
    iterationAction = d.action;
    await db.recordScalingDecision({ groupId, ...d, at });
  }

  function member(id: string): MemberRow {
    return snap!.members.find((m) => m.id === id)!;
  }

  async function setMember(
    m: MemberRow,
    patch: Partial<Pick<MemberRow, 'status' | 'serverId' | 'poolMemberId' | 'address' | 'fault'>>,
  ): Promise<void> {
    const at = Date.now();
    await db.updateScalingMember({ memberId: m.id, ...patch, at });
    Object.assign(m, patch);
    if (patch.status === 'active' && !m.activeAt) m.activeAt = at;
  }

  async function removeMember(m: MemberRow, size: FlavorFacts): Promise<void> {
    const s = snap!;
    await setMember(m, { status: 'removing' });
    if (m.poolMemberId && s.settings.poolId) {
      await os.removePoolMember({ projectId: s.projectId, poolId: s.settings.poolId, poolMemberId: m.poolMemberId });
      await setMember(m, { poolMemberId: null });
    }
    await provisioning.teardownItem({ itemId: m.id });
    await db.returnMemberQuota({
      tenantId: s.tenantId,
      memberId: m.id,
      size: { vcpus: size.vcpus, ramMb: size.ramMb },
    });
    await db.updateScalingMember({ memberId: m.id, status: 'removed', at: Date.now() });
    s.members = s.members.filter((x) => x.id !== m.id);
  }

  async function launchMember(m: MemberRow, size: FlavorFacts): Promise<void> {
    const s = snap!;
    const t = s.settings.template;
    const input: ProvisionInput = {
      orderId: groupId,
      itemId: m.id,
      tenantId: s.tenantId,
      attempt: 1,
      spec: {
        kind: 'server',
        name: `${s.settings.name}-${m.id.slice(0, 8)}`,
        flavorId: t.flavorId,
        imageId: t.imageId,
        networkId: t.networkId,
        // Resolved to the tenant's own groups when the group was made.
        ...(t.securityGroups?.length ? { securityGroupIds: t.securityGroups } : {}),
        userData: t.userData ?? null,
        // cmp_group labels the member's CPU series in the metrics exporter.
        metadata: { cmp_group: groupId, cmp_member: m.id },
      },
      // Members boot the platform's Nova flavor of this size (`cmp-<sizing>`), as orders do.
      flavor: { name: flavorSizingName(size), vcpus: size.vcpus, ramMb: size.ramMb, diskGb: size.diskGb },
      activeTimeoutMs: MEMBER_ACTIVE_TIMEOUT_MS,
    };
    try {
      const built = await executeChild(provisionItemWorkflow, {
        workflowId: `provision-${m.id}`,
        taskQueue: queues.orchestration,
        args: [input],
      });
      const serverId = String(built.resources.serverId);
      const address = (built.resources.fixedIp as string | null) ?? null;
      await setMember(m, { serverId, address });
      // Isolation: the member's ports get the template's bandwidth limit before it takes traffic.
      if (t.maxKbps) await os.applyBandwidthLimit({ projectId: s.projectId, serverId, maxKbps: t.maxKbps });
      let poolMemberId: string | null = null;
      if (s.settings.poolId) {
        if (!address)
          throw ApplicationFailure.nonRetryable(`server ${serverId} has no address for the pool`, 'AutoscaleNoAddress');
        ({ poolMemberId } = await os.addPoolMember({
          projectId: s.projectId,
          poolId: s.settings.poolId,
          subnetId: s.settings.subnetId,
          address,
          protocolPort: t.protocolPort,
          memberId: m.id,
        }));
      }
      await setMember(m, { status: 'active', poolMemberId });
      await db.settleMemberQuota({ memberId: m.id, outcome: 'commit' });
    } catch (e) {
      // Provisioning failed (it unwound what it made) or the member could not join the pool: an ERROR
      // member, replaced at the next evaluation; its quota is held until that removal gives it back.
      await setMember(m, { status: 'error', fault: `${failureType(e) ?? 'failure'}: ${failureText(e)}` });
      await db.settleMemberQuota({ memberId: m.id, outcome: 'commit' });
    }
  }

  /** Marks members whose server went to ERROR (or vanished) as errors, to be replaced. */
  async function checkHealth(): Promise<void> {
    const s = snap!;
    const watched = s.members.filter((m) => m.serverId && (m.status === 'active' || m.status === 'building'));
    if (!watched.length) return;
    const states = await os.memberServerStates({ projectId: s.projectId, serverIds: watched.map((m) => m.serverId!) });
    for (const m of watched) {
      const st = states[m.serverId!];
      if (st && (st.status === 'ERROR' || st.status === 'GONE') && m.status === 'active') {
        await setMember(m, { status: 'error', fault: st.fault ?? `server ${st.status}` });
      }
    }
  }

  async function applySettings(): Promise<void> {
    const s = snap!.settings;
    const patch = c.settings;
    c.settings = null;
    if (!patch) return;
    const next = { ...s, ...patch };
    if (next.minSize > next.maxSize) return; // the API refuses it; a stale signal cannot break the bounds
    const before = s.desiredCapacity;
    const desired = Math.min(next.maxSize, Math.max(next.minSize, next.desiredCapacity));
    Object.assign(s, { ...next, desiredCapacity: desired });
    await db.saveGroupSettings({ groupId, patch: { ...patch, desiredCapacity: desired } });
    if (desired !== before)
      await decide({
        action: 'settings',
        from: before,
        to: desired,
        reason: 'settings changed',
        ...(desired !== next.desiredCapacity ? { clampedBy: desired < next.desiredCapacity ? 'max' : 'min' } : {}),
      });
  }

  async function setDesired(to: number): Promise<void> {
    snap!.settings.desiredCapacity = to;
    await db.saveGroupSettings({ groupId, patch: { desiredCapacity: to } });
  }

  async function evaluate(size: FlavorFacts): Promise<void> {
    const s = snap!;
    const st = s.settings;
    const current = currentCapacity(s.members.map(asGroupMember));
    const headroom = await db.memberQuotaHeadroom({
      tenantId: s.tenantId,
      size: { vcpus: size.vcpus, ramMb: size.ramMb },
      upTo: Math.max(0, st.maxSize - current),
    });
    const quotaHeadroom = headroom === null ? undefined : headroom;

    if (c.forced !== null) {
      const requested = c.forced;
      c.forced = null;
      const { capacity, clampedBy } = clampCapacity(current, requested, {
        min: st.minSize,
        max: st.maxSize,
        quotaHeadroom,
      });
      c.lastScaleAt = Date.now();
      await setDesired(capacity);
      await decide({
        action: 'force',
        from: current,
        to: capacity,
        reason: `size forced to ${requested}`,
        ...(clampedBy ? { clampedBy } : {}),
      });
      return;
    }
    if (c.paused) return;

    const rules = s.policies.map((p) => ({ ...p, lastActionAt: c.policyLastAction[p.id] ?? null }));
    const windows = [...new Set(rules.filter((r) => r.enabled).map((r) => r.windowSeconds))];
    let metrics: Record<number, number> = {};
    let metricsError: string | null = null;
    if (windows.length) {
      try {
        metrics = await metricsOnce.groupCpuAverage({ groupId, windows });
      } catch (e) {
        metricsError = failureText(e);
      }
    }
    lastMetrics = Object.fromEntries(Object.entries(metrics));
    const now = Date.now();
    lastEvaluationAt = now;
    const d = evaluatePolicies(rules, {
      current,
      min: st.minSize,
      max: st.maxSize,
      quotaHeadroom,
      groupCooldownSeconds: st.cooldownSeconds,
      lastScaleAt: c.lastScaleAt,
      metrics,
      now,
    });
    lastEvaluation = metricsError ? `metrics unavailable: ${metricsError}` : d.reason;
    if (d.action === 'none') return;
    c.lastScaleAt = now;
    if (d.policyId) c.policyLastAction[d.policyId] = now;
    await setDesired(d.to);
    await decide(d);
  }

  async function reconcile(size: FlavorFacts): Promise<void> {
    const s = snap!;
    const decided = iterationAction;
    const plan = planReconcile(s.members.map(asGroupMember), s.settings.desiredCapacity, s.settings.scaleInStrategy);
    const replace = c.paused ? [] : plan.replace;
    if (replace.length)
      await decide({
        action: 'replace',
        from: currentCapacity(s.members.map(asGroupMember)),
        to: s.settings.desiredCapacity,
        reason: `replacing ${replace.length} member(s) in ERROR`,
      });
    const leaving = [...replace, ...plan.remove].map(member);
    const launches: MemberRow[] = [];
    // Members live in the tenant's own project; provisioning makes it on first use.
    if (plan.create > 0 && !s.projectId)
      s.projectId = (await provisioning.ensureTenantProject({ tenantId: s.tenantId })).projectId;
    for (let i = 0; i < plan.create; i++) {
      const id = uuid4();
      if (
        !(await db.reserveMemberQuota({
          tenantId: s.tenantId,
          memberId: id,
          size: { vcpus: size.vcpus, ramMb: size.ramMb },
        }))
      ) {
        await decide({
          action: 'quota',
          from: s.members.length,
          to: s.settings.desiredCapacity,
          reason: `tenant quota leaves no room for ${plan.create - i} more member(s)`,
          clampedBy: 'quota',
        });
        break;
      }
      const at = Date.now();
      const cause = i < replace.length ? 'replace' : (decided ?? (c.evaluations <= 1 ? 'initial' : 'reconcile'));
      await db.addScalingMember({ memberId: id, groupId, tenantId: s.tenantId, cause, at });
      const row: MemberRow = {
        id,
        status: 'building',
        serverId: null,
        poolMemberId: null,
        address: null,
        cause,
        fault: null,
        createdAt: at,
        activeAt: null,
      };
      s.members.push(row);
      launches.push(row);
    }
    await Promise.all([...leaving.map((m) => removeMember(m, size)), ...launches.map((m) => launchMember(m, size))]);
  }

  const perRun = input.evaluationsPerRun ?? 200;
  for (let i = 0; ; i++) {
    snap = await db.loadScalingGroup({ groupId });
    if (!snap || snap.status === 'deleted') {
      finished = true;
      return view();
    }
    const size = await os.memberFlavorSize({ projectId: snap.projectId, flavorId: snap.settings.template.flavorId });
    if (c.deleting) {
      await db.saveGroupSettings({ groupId, patch: {}, status: 'deleting' });
      await Promise.all(snap.members.map((m) => removeMember(m, size)));
      await db.saveGroupSettings({ groupId, patch: {}, status: 'deleted' });
      await decide({ action: 'delete', from: snap.members.length, to: 0, reason: 'group deleted' });
      finished = true;
      return view();
    }
    iterationAction = null;
    await applySettings();
    await checkHealth();
    c.evaluations++;
    await evaluate(size);
    await reconcile(size);

    wake = false;
    await condition(() => wake, snap.settings.evaluationSeconds * 1000);
    if (i + 1 >= perRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof autoscaleWorkflow>({
        groupId,
        evaluationsPerRun: input.evaluationsPerRun,
        carried: c,
      });
    }
  }
}

function asGroupMember(m: MemberRow): GroupMember {
  return { id: m.id, state: m.status === 'removed' ? 'removing' : m.status, createdAt: m.createdAt };
}
