/**
 * The member phases of an evaluation: members whose server failed are marked, then the members are
 * brought to the desired capacity. New members are built by the provisioning workflow
 * (`provision-<memberId>` child, in the tenant's project) and only once ACTIVE added to the pool;
 * leaving members are taken out of the pool first, then torn down by the provisioning activities.
 */
import { ApplicationFailure, executeChild, uuid4 } from '@temporalio/workflow';
import type { GroupSnapshot, MemberRow } from '../activities/db/autoscaling';
import { flavorSizingName } from '../domain/catalog/nova-flavor';
import { planReconcile } from '../domain/autoscaling/reconcile';
import {
  asGroupMember,
  backoffMs,
  capacityOf,
  failureText,
  failureType,
  recordDecision,
  setMember,
  type FlavorFacts,
  type GroupRun,
} from './autoscale-run';
import { provisionItemWorkflow, type ProvisionInput } from './provision';

/** How long a member may take to turn ACTIVE before its provisioning fails (and it is replaced). */
const MEMBER_ACTIVE_TIMEOUT_MS = 10 * 60_000;

/** Marks members whose server went to ERROR (or vanished) as errors, to be replaced. */
export async function markFailedMembers(run: GroupRun, group: GroupSnapshot): Promise<void> {
  const watched = group.members.filter((m) => m.serverId && (m.status === 'active' || m.status === 'building'));
  if (!watched.length) return;
  const states = await run.acts.os.memberServerStates({
    projectId: group.projectId,
    serverIds: watched.map((m) => m.serverId!),
  });
  for (const m of watched) {
    const st = states[m.serverId!];
    if (st && (st.status === 'ERROR' || st.status === 'GONE') && m.status === 'active') {
      await setMember(run, m, { status: 'error', fault: st.fault ?? `server ${st.status}` });
    }
  }
}

/**
 * Brings the members to the desired capacity (pure plan, `planReconcile`): members in ERROR are
 * replaced unless the group is paused, victims leave, new members are admitted within the tenant's
 * quota; then all leave and launch at once.
 */
export async function reconcileMembers(run: GroupRun, group: GroupSnapshot, size: FlavorFacts): Promise<void> {
  const decided = run.periodAction;
  const { settings } = group;
  const plan = planReconcile(group.members.map(asGroupMember), settings.desiredCapacity, settings.scaleInStrategy);
  // Members that keep failing to build are not rebuilt every period: after a failed build none is made until its
  // backoff has passed (doubling with each failure in a row); members leaving still leave.
  const holdBuilds = run.survive === true && (run.carried.buildBackoffUntil ?? 0) > Date.now();
  const replace = run.carried.paused || holdBuilds ? [] : plan.replace;
  if (replace.length)
    await recordDecision(run, {
      action: 'replace',
      from: capacityOf(group.members),
      to: settings.desiredCapacity,
      reason: `replacing ${replace.length} member(s) in ERROR`,
    });
  const leaving = [...replace, ...plan.remove].map((id) => group.members.find((m) => m.id === id)!);
  const cause = (i: number) =>
    i < replace.length ? 'replace' : (decided ?? (run.carried.evaluations <= 1 ? 'initial' : 'reconcile'));
  const launches = await admitMembers(run, group, size, holdBuilds ? 0 : plan.create, cause);
  await Promise.all([
    ...leaving.map((m) => removeMember(run, group, m, size)),
    ...launches.map((m) => launchMember(run, group, m, size)),
  ]);
}

/**
 * Up to `count` new members, each with its quota reserved and its row written (status building);
 * a reservation the quota refuses stops there with a `quota` decision.
 */
async function admitMembers(
  run: GroupRun,
  group: GroupSnapshot,
  size: FlavorFacts,
  count: number,
  causeOf: (i: number) => string,
): Promise<MemberRow[]> {
  const { db, provisioning } = run.acts;
  const admitted: MemberRow[] = [];
  // Members live in the tenant's own project; provisioning makes it on first use.
  if (count > 0 && !group.projectId)
    group.projectId = (await provisioning.ensureTenantProject({ tenantId: group.tenantId })).projectId;
  for (let i = 0; i < count; i++) {
    const id = uuid4();
    if (!(await db.reserveMemberQuota({ tenantId: group.tenantId, memberId: id, size: quotaSize(size) }))) {
      await recordDecision(run, {
        action: 'quota',
        from: group.members.length,
        to: group.settings.desiredCapacity,
        reason: `tenant quota leaves no room for ${count - i} more member(s)`,
        clampedBy: 'quota',
      });
      break;
    }
    const at = Date.now();
    const cause = causeOf(i);
    await db.addScalingMember({ memberId: id, groupId: run.groupId, tenantId: group.tenantId, cause, at });
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
    group.members.push(row);
    admitted.push(row);
  }
  return admitted;
}

/** Scale out by one: the member's server built, limited, added to the pool; a failure leaves it in ERROR. */
async function launchMember(run: GroupRun, group: GroupSnapshot, m: MemberRow, size: FlavorFacts): Promise<void> {
  const { db, os, queues } = run.acts;
  const t = group.settings.template;
  const input: ProvisionInput = {
    orderId: run.groupId,
    itemId: m.id,
    tenantId: group.tenantId,
    attempt: 1,
    spec: {
      kind: 'server',
      name: `${group.settings.name}-${m.id.slice(0, 8)}`,
      flavorId: t.flavorId,
      imageId: t.imageId,
      networkId: t.networkId,
      // Resolved to the tenant's own groups when the group was made.
      ...(t.securityGroups?.length ? { securityGroupIds: t.securityGroups } : {}),
      userData: t.userData ?? null,
      // cmp_group labels the member's CPU series in the metrics exporter.
      metadata: { cmp_group: run.groupId, cmp_member: m.id },
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
    await setMember(run, m, { serverId, address });
    // Isolation: the member's ports get the template's bandwidth limit before it takes traffic.
    if (t.maxKbps) await os.applyBandwidthLimit({ projectId: group.projectId, serverId, maxKbps: t.maxKbps });
    let poolMemberId: string | null = null;
    if (group.settings.poolId) {
      if (!address)
        throw ApplicationFailure.nonRetryable(`server ${serverId} has no address for the pool`, 'AutoscaleNoAddress');
      ({ poolMemberId } = await os.addPoolMember({
        projectId: group.projectId,
        poolId: group.settings.poolId,
        subnetId: group.settings.subnetId,
        address,
        protocolPort: t.protocolPort,
        memberId: m.id,
      }));
    }
    await setMember(run, m, { status: 'active', poolMemberId });
    await db.settleMemberQuota({ memberId: m.id, outcome: 'commit' });
    if (run.survive) run.carried.buildFailures = 0;
  } catch (e) {
    // Provisioning failed (it unwound what it made) or the member could not join the pool: an ERROR
    // member, replaced at the next evaluation; its quota is held until that removal gives it back.
    await setMember(run, m, { status: 'error', fault: `${failureType(e) ?? 'failure'}: ${failureText(e)}` });
    await db.settleMemberQuota({ memberId: m.id, outcome: 'commit' });
    if (run.survive) {
      const n = (run.carried.buildFailures = (run.carried.buildFailures ?? 0) + 1);
      run.carried.buildBackoffUntil = Date.now() + backoffMs(group.settings.evaluationSeconds, n);
    }
  }
}

/** Scale in by one: out of the pool first, then its server torn down and its quota given back. */
export async function removeMember(
  run: GroupRun,
  group: GroupSnapshot,
  m: MemberRow,
  size: FlavorFacts,
): Promise<void> {
  const { db, os, provisioning } = run.acts;
  await setMember(run, m, { status: 'removing' });
  if (m.poolMemberId && group.settings.poolId) {
    await os.removePoolMember({
      projectId: group.projectId,
      poolId: group.settings.poolId,
      poolMemberId: m.poolMemberId,
    });
    await setMember(run, m, { poolMemberId: null });
  }
  await provisioning.teardownItem({ itemId: m.id });
  await db.returnMemberQuota({ tenantId: group.tenantId, memberId: m.id, size: quotaSize(size) });
  await db.updateScalingMember({ memberId: m.id, status: 'removed', at: Date.now() });
  group.members = group.members.filter((x) => x.id !== m.id);
}

/**
 * Members no process follows any more (the group's workflow was cancelled or failed, or a run before this one was
 * terminated): those being built or removed are removed, their quota returned, a member being built keeping the
 * cause as its fault. Answers how many.
 */
export async function releaseUnfollowed(
  run: GroupRun,
  group: GroupSnapshot,
  size: FlavorFacts,
  cause: string,
): Promise<number> {
  const held = group.members.filter((m) => m.status === 'building' || m.status === 'removing');
  for (const m of held) {
    if (m.status === 'building') await setMember(run, m, { fault: cause });
    await removeMember(run, group, m, size);
  }
  return held.length;
}

const quotaSize = (size: FlavorFacts) => ({ vcpus: size.vcpus, ramMb: size.ramMb });

/** The group deleted: every member removed (out of the pool, torn down), then the group marked deleted. */
export async function deleteGroup(run: GroupRun, group: GroupSnapshot, size: FlavorFacts): Promise<void> {
  const { db } = run.acts;
  const from = group.members.length;
  await db.saveGroupSettings({ groupId: run.groupId, patch: {}, status: 'deleting' });
  await Promise.all(group.members.map((m) => removeMember(run, group, m, size)));
  await db.saveGroupSettings({ groupId: run.groupId, patch: {}, status: 'deleted' });
  await recordDecision(run, { action: 'delete', from, to: 0, reason: 'group deleted' });
}
