import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  isCancellation,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { EvacuationItem, EvacuationStatus } from '../domain/entities/ha-evacuation';
import { capacityOf } from '../domain/ha/host-capacity';
import { withDemand } from '../domain/scheduling/capacity';
import { evacuationOrder, haFlagsOf } from '../domain/scheduling/evacuation-order';
import { selectHost } from '../domain/scheduling/select-host';
import type { HostCapacity } from '../domain/scheduling/types';
import type { HaServer } from '../activities/openstack/ha-types';
import { TargetSlots } from '../domain/ha/target-slots';
import { haActivities, messageOf, raiseAlarm } from './ha-activities';
import { pageOnCallWorkflow, pageWorkflowId, type PageInput } from './page';

export interface EvacuateInput {
  hostname: string;
  /** When the host failed (first missed heartbeat, or the operator's declaration): recovery time starts here. */
  failedAt: string;
  trigger: 'sweep' | 'operator';
  /** Servers evacuated at the same time, over all targets (the global cap). */
  concurrency: number;
  /** Rebuilds in flight per target host, as Nova's max_concurrent_builds (10 by default). */
  perHostConcurrency?: number;
  /** Targets tried per server before it is listed as unrecovered. */
  maxAttempts: number;
  /** How long one server may take to come back ACTIVE. */
  serverTimeoutMs: number;
  heartbeatTimeoutMs?: number;
}

export type EvacuationPhase = 'fencing' | 'evacuating' | 'awaiting_release' | 'released';

export interface EvacuationProgress {
  evacuationId: string;
  hostname: string;
  phase: EvacuationPhase;
  status: EvacuationStatus;
  failedAt: string;
  total: number;
  recovered: number;
  unrecovered: string[];
  recoveryMs: number | null;
  items: EvacuationItem[];
  /** Why the evacuation stopped before its end (it then ended `failed` and waits for the release). */
  error?: string;
}

export const evacuateWorkflowId = (hostname: string) => `evacuate-${hostname}`;
/** Patch of the power fence (and the platform alarms): the host is powered off, confirmed off, before forced_down and evacuation. */
export const POWER_FENCE_PATCH = 'ha-power-fence';
/** Patch of the per-target bound: each target host takes at most perHostConcurrency rebuilds at once. */
export const PER_HOST_PATCH = 'ha-per-target-concurrency';
/**
 * Progress (recovered count and items) written by one writer that coalesces: a server recovered while a write is in
 * flight is in the next one, instead of every runner writing every item after each server (quadratic in servers).
 */
export const PROGRESS_COALESCED_PATCH = 'ha-progress-coalesced';
/** Patch of the failure envelope: a server whose step fails is unrecovered, and any other failure settles the evacuation as failed. */
export const ENVELOPE_PATCH = 'ha-evacuation-envelope';
/**
 * Patch of the held host's envelope: a cancel once the evacuation has summarised (awaiting the release) is refused, not
 * obeyed silently: the host stays fenced with a note saying so (audited, alarmed, paged) and the release still works.
 */
export const HELD_CANCEL_PATCH = 'ha-evacuation-cancel-refused';
const WAIT = 'wait: every fitting target is at its bound';
export const releaseHostSignal = defineSignal<[{ by: string }]>('releaseHost');
export const evacuationProgressQuery = defineQuery<EvacuationProgress>('progress');

/**
 * `evacuate-<hostname>`: power the failed host off through its fencing driver and confirm it is off
 * (a host that cannot be fenced is not evacuated: a platform alarm pages on-call and the workflow
 * waits for the operator's release), force its compute service down, evacuate its servers in priority order onto targets
 * the scheduling policy picks (bounded concurrency, retried elsewhere), page on-call at start and
 * end, record recovery time, then keep the host fenced until an operator releases it. A failure that
 * survives its retries ends the evacuation `failed` (alarmed, paged) and still waits for the release.
 */
export async function evacuateWorkflow(input: EvacuateInput): Promise<EvacuationProgress> {
  const { db, cloud, waiter, fencer, alarms } = haActivities({
    heartbeatTimeoutMs: input.heartbeatTimeoutMs,
    waitTimeoutMs: input.serverTimeoutMs,
  });
  const host = input.hostname;
  const p: EvacuationProgress = {
    evacuationId: uuid4(),
    hostname: host,
    phase: 'fencing',
    status: 'running',
    failedAt: input.failedAt,
    total: 0,
    recovered: 0,
    unrecovered: [],
    recoveryMs: null,
    items: [],
  };
  let releasedBy: string | undefined;
  let lastActiveAt = 0;
  /** Forced down by this run (so the release unfences it); a host that could not be power-fenced never is. */
  let forcedDown = false;
  setHandler(evacuationProgressQuery, () => p);
  setHandler(releaseHostSignal, (s) => {
    releasedBy ??= s.by;
  });

  await db.haBeginEvacuation({
    id: p.evacuationId,
    hostname: host,
    workflowId: workflowInfo().workflowId,
    failedAt: input.failedAt,
    trigger: input.trigger,
  });
  const envelope = patched(ENVELOPE_PATCH);
  if (!envelope) return evacuate();
  try {
    return await evacuate();
  } catch (e) {
    if (p.phase === 'awaiting_release' && isCancellation(e) && patched(HELD_CANCEL_PATCH))
      return await CancellationScope.nonCancellable(() => refuseCancel());
    // Once summarised (or released) the evacuation has nothing left to settle.
    if (p.phase === 'awaiting_release' || p.phase === 'released') throw e;
    return await CancellationScope.nonCancellable(() => settle(e));
  }

  /**
   * A cancel while the host is held for the release: releasing it is the operator's decision, so the host stays fenced,
   * its note, the audit log, an alarm and a page say the cancel was refused, and the release works as before.
   */
  async function refuseCancel(): Promise<EvacuationProgress> {
    if (releasedBy === undefined) {
      const note = `held ${forcedDown ? 'fenced' : 'failed'} after its evacuation (${p.status}); a cancel was refused: release it (POST /hosts/${host}/release) once it is safe`;
      await db.haRecordHeldState({
        runId: workflowInfo().runId,
        action: 'host.evacuation.cancel_refused',
        targetType: 'host',
        targetId: host,
        details: { evacuationId: p.evacuationId, status: p.status, recovered: p.recovered, total: p.total },
        hostNote: note,
      });
      await raiseAlarm(alarms, {
        event: 'evacuation_cancel_refused',
        objectType: 'host',
        objectId: host,
        severity: 'warning',
        summary: `the evacuation of ${host} (${p.status}) was asked to cancel while holding the host: refused, it stays held until released`,
      });
      await page({
        dedupKey: `evacuate-${host}-${p.evacuationId}-cancel`,
        eventType: 'host.evacuation.cancel_refused',
        severity: 'warning',
        subject: `Host ${host} stays held: cancel of its evacuation refused`,
        body: `The evacuation of ${host} (${p.status}, ${p.recovered}/${p.total} servers recovered) was asked to cancel while it holds the host. The host stays ${forcedDown ? 'fenced' : 'failed'} until an operator releases it.`,
      }).catch(() => undefined);
    }
    await condition(() => releasedBy !== undefined);
    if (forcedDown) await cloud.haUnfenceHost({ host });
    await db.haReleaseHost({ hostname: host });
    p.phase = 'released';
    return p;
  }

  /** Records the evacuation failed with its cause, pages and alarms, then waits for the release as the normal path does; every step is idempotent. */
  async function settle(cause: unknown): Promise<EvacuationProgress> {
    const error = messageOf(cause);
    for (const item of p.items)
      if (item.status !== 'active') {
        item.status = 'unrecovered';
        item.error ??= `not recovered: the evacuation stopped (${error})`;
      }
    p.error = error;
    p.status = 'failed';
    p.recovered = p.items.filter((x) => x.status === 'active').length;
    p.unrecovered = p.items.filter((x) => x.status !== 'active').map((x) => x.serverId);
    p.recoveryMs = Math.max(0, (lastActiveAt || Date.now()) - Date.parse(input.failedAt));
    const patch = {
      finishedAt: new Date().toISOString(),
      recoveryMs: p.recoveryMs,
      evacuatedServers: p.recovered,
      items: p.items,
    };
    try {
      await db.haEvacuationFailed({ id: p.evacuationId, hostname: host, error, patch });
    } catch {
      // Already retried; the alarm and the page below still say it.
    }
    p.phase = 'awaiting_release';
    await page({
      dedupKey: `evacuate-${host}-${p.evacuationId}-end`,
      eventType: 'host.evacuation.finished',
      severity: 'critical',
      subject: `Host ${host} evacuation failed: ${p.recovered}/${p.total} servers recovered`,
      body: `Evacuation of ${host} stopped on a failure: ${error}. ${p.recovered} of ${p.total} servers are ACTIVE on other hosts. The host stays fenced until an operator releases it.`,
    }).catch(() => undefined);
    await raiseAlarm(alarms, {
      event: 'evacuation_unrecovered',
      objectType: 'host',
      objectId: host,
      severity: 'critical',
      summary: `evacuation of ${host} failed (${error}): ${p.unrecovered.length} of ${p.total} servers not recovered`,
    });
    await condition(() => releasedBy !== undefined);
    await cloud.haUnfenceHost({ host });
    await db.haReleaseHost({ hostname: host });
    p.phase = 'released';
    return p;
  }

  async function evacuate(): Promise<EvacuationProgress> {
    const powerFence = patched(POWER_FENCE_PATCH);
    if (powerFence) {
      await raiseAlarm(alarms, {
        event: 'host_failed',
        objectType: 'host',
        objectId: host,
        severity: 'critical',
        summary:
          input.trigger === 'operator'
            ? `${host} declared failed by an operator: fencing and evacuating it`
            : `${host} failed (nova-compute down and the host unreachable): fencing and evacuating it`,
      });
      const fence = await fencer.haPowerFenceHost({ host });
      if (!fence.fenced) {
        const error = fence.error ?? `power still ${fence.power}`;
        await db.haHostNotFenced({ hostname: host, evacuationId: p.evacuationId, error });
        p.status = 'failed';
        p.phase = 'awaiting_release';
        await raiseAlarm(alarms, {
          event: 'host_unfenceable',
          objectType: 'host',
          objectId: host,
          severity: 'critical',
          summary: `${host} failed and cannot be fenced (${error}): its servers are NOT evacuated. Power it off by hand, then release and evacuate it.`,
        });
        await condition(() => releasedBy !== undefined);
        await db.haReleaseHost({ hostname: host });
        p.phase = 'released';
        return p;
      }
    }
    await cloud.haFenceHost({ host, reason: `fenced by evacuate-${host}` });
    forcedDown = true;
    await db.haUpdateEvacuation({ id: p.evacuationId, patch: { fencedAt: new Date().toISOString() } });

    const servers = await cloud.haListHostServers({ host });
    const ordered = evacuationOrder(servers.map((s) => ({ ...s, ...haFlagsOf(s.metadata) })));
    p.items = ordered.map((s) => ({
      serverId: s.id,
      name: s.name,
      haEnabled: s.haEnabled,
      priority: s.priority,
      status: 'pending',
      targets: [],
    }));
    p.total = ordered.length;
    p.phase = 'evacuating';
    await db.haUpdateEvacuation({ id: p.evacuationId, patch: { totalServers: p.total, items: p.items } });
    await page({
      dedupKey: `evacuate-${host}-${p.evacuationId}-start`,
      eventType: 'host.evacuation.started',
      severity: 'critical',
      subject: `Host ${host} failed: evacuating ${p.total} servers`,
      body: `Compute host ${host} stopped reporting (first miss ${input.failedAt}). It is fenced (${powerFence ? 'powered off and ' : ''}forced down) and its ${p.total} servers are being evacuated in priority order.`,
    });

    const [policy, hosts, unavailable] = await Promise.all([
      db.haLoadPolicy(),
      cloud.haListComputeHosts(),
      db.haUnavailableHosts(),
    ]);
    let capacity: HostCapacity[] = capacityOf(hosts, [host, ...unavailable]);
    const claim = (name: string, d: { id: string; vcpus: number; memoryMb: number }, sign: 1 | -1) => {
      capacity = capacity.map((h) => (h.name === name ? withDemand(h, d, sign) : h));
    };

    const slots = patched(PER_HOST_PATCH) ? new TargetSlots(input.perHostConcurrency ?? 10) : undefined;

    /**
     * The policy's target among hosts below their bound, its slot taken, or `wait` while only hosts at
     * their bound would fit. Synchronous, so no other runner places a server between choice and claim.
     */
    function pickTarget(demand: { id: string; vcpus: number; memoryMb: number }, tried: string[]): string | undefined {
      const full = slots?.full() ?? [];
      const target = selectHost(policy, capacity, demand, { purpose: 'evacuate', exclude: [...tried, ...full] });
      if (target) slots?.take(target);
      if (target || full.length === 0) return target;
      return selectHost(policy, capacity, demand, { purpose: 'evacuate', exclude: tried }) ? WAIT : undefined;
    }

    async function evacuateOne(index: number): Promise<void> {
      const s = ordered[index];
      const item = p.items[index];
      const demand = { id: s.id, vcpus: s.vcpus, memoryMb: s.memoryMb };
      const wasStopped = s.status === 'SHUTOFF';
      for (let attempt = 1; attempt <= input.maxAttempts; attempt++) {
        let target = pickTarget(demand, item.targets);
        while (target === WAIT) {
          const seen = slots!.releases;
          await condition(() => slots!.releases !== seen);
          target = pickTarget(demand, item.targets);
        }
        if (!target) {
          item.error = 'no host with enough capacity';
          break;
        }
        item.targets.push(target);
        item.status = 'evacuating';
        claim(target, demand, 1);
        item.startedAt = new Date().toISOString();
        try {
          await cloud.haEvacuateServer({ serverId: s.id, sourceHost: host, targetHost: target });
        } catch (e) {
          slots?.release(target);
          claim(target, demand, -1);
          item.error = (e as Error).message;
          continue;
        }
        let after: HaServer;
        try {
          after = await waiter.haWaitServerSettled({ serverId: s.id, timeoutMs: input.serverTimeoutMs });
          await db.haRecordServerPlacement({ server: after });
        } catch (e) {
          if (!envelope || isCancellation(e)) throw e;
          // Where the server ends is unknown: its slot is free, its claim on the target kept.
          slots?.release(target);
          item.status = 'unrecovered';
          item.error = `lost after its rebuild on ${target} was asked: ${messageOf(e)}`;
          return;
        }
        slots?.release(target);
        const wanted = wasStopped ? 'SHUTOFF' : 'ACTIVE';
        if (after.host && after.host !== host && after.status === wanted) {
          item.status = 'active';
          item.error = undefined;
          if (after.host !== target) item.targets.push(after.host);
          lastActiveAt = Date.now();
          item.activeAt = new Date(lastActiveAt).toISOString();
          return;
        }
        claim(target, demand, -1);
        item.error = `ended ${after.status} on ${after.host ?? 'no host'}${after.taskState ? ` (${after.taskState})` : ''}`;
        // Nova can evacuate again only while the server still belongs to the fenced host.
        if (after.host !== host) break;
      }
      item.status = 'unrecovered';
    }

    const writeProgress = () => {
      p.recovered = p.items.filter((x) => x.status === 'active').length;
      return db.haUpdateEvacuation({ id: p.evacuationId, patch: { evacuatedServers: p.recovered, items: p.items } });
    };
    const coalesced = patched(PROGRESS_COALESCED_PATCH);
    let dirty = false;
    let writing: Promise<void> | null = null;
    let writeError: unknown;
    /** Marks progress changed and starts the writer unless it runs; a runner goes on with its next server at once. */
    const progressChanged = () => {
      dirty = true;
      writing ??= (async () => {
        try {
          while (dirty) {
            dirty = false;
            await writeProgress();
          }
        } catch (e) {
          writeError ??= e;
        } finally {
          // In the same step as the last check of `dirty`: a change after it starts a new writer.
          writing = null;
        }
      })();
      if (writeError) throw writeError;
    };

    let next = 0;
    const runners = Array.from({ length: Math.max(1, Math.min(input.concurrency, ordered.length)) }, async () => {
      while (next < ordered.length) {
        const i = next++;
        await evacuateOne(i);
        if (coalesced) progressChanged();
        else await writeProgress();
      }
      // The last write is done before the runners are; its failure fails them as a direct write's would.
      while (writing) await writing;
      if (writeError) throw writeError;
    });
    if (!envelope) await Promise.all(runners);
    else {
      // Every runner ends before a failure settles the evacuation, so none acts after it.
      const failed = (await Promise.allSettled(runners)).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }

    p.unrecovered = p.items.filter((x) => x.status !== 'active').map((x) => x.serverId);
    p.status = p.unrecovered.length === 0 ? 'completed' : p.recovered > 0 ? 'partial' : 'failed';
    p.recoveryMs = Math.max(0, (lastActiveAt || Date.now()) - Date.parse(input.failedAt));
    const finishedAt = new Date().toISOString();
    await db.haUpdateEvacuation({
      id: p.evacuationId,
      patch: { status: p.status, finishedAt, recoveryMs: p.recoveryMs, evacuatedServers: p.recovered, items: p.items },
    });
    p.phase = 'awaiting_release';
    const lost = p.items.filter((x) => x.status !== 'active');
    await page({
      dedupKey: `evacuate-${host}-${p.evacuationId}-end`,
      eventType: 'host.evacuation.finished',
      severity: p.status === 'completed' ? 'warning' : 'critical',
      subject: `Host ${host} evacuation ${p.status}: ${p.recovered}/${p.total} servers recovered`,
      body:
        `Evacuation of ${host} ${p.status} in ${(p.recoveryMs / 1000).toFixed(1)} s from failure to last server ACTIVE. ` +
        `${p.recovered} of ${p.total} servers are ACTIVE on other hosts.` +
        (lost.length
          ? ` Not recovered: ${lost.map((x) => `${x.name} (${x.serverId}): ${x.error ?? 'unknown'}`).join('; ')}.`
          : '') +
        ` The host stays fenced until an operator releases it.`,
    });

    if (powerFence && lost.length > 0)
      await raiseAlarm(alarms, {
        event: 'evacuation_unrecovered',
        objectType: 'host',
        objectId: host,
        severity: 'critical',
        summary: `evacuation of ${host} ${p.status}: ${lost.length} of ${p.total} servers not recovered (${lost
          .slice(0, 10)
          .map((x) => x.name)
          .join(', ')}${lost.length > 10 ? ', ...' : ''})`,
      });

    await condition(() => releasedBy !== undefined);
    await cloud.haUnfenceHost({ host });
    await db.haReleaseHost({ hostname: host });
    p.phase = 'released';
    return p;
  }
}

/** Pages on-call through the notify capability's page workflow, which retries and never fails; the evacuation does not wait for it. */
async function page(input: PageInput): Promise<void> {
  try {
    await startChild(pageOnCallWorkflow, {
      workflowId: pageWorkflowId(input.dedupKey),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [input],
    });
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
  }
}
