/**
 * `server-<resourceId>`: the one process that acts on a tenant's server.
 *
 * Why one long-lived workflow per server receiving Updates (rather than an `action-<serverId>`
 * workflow per request): the API must answer synchronously whether an action was accepted, with
 * the reason when it is not (409 naming Nova's state, or the action already in progress). An Update
 * gives that answer from inside the only place that serialises actions, so two concurrent requests
 * can never both pass the check; a workflow per action would need a separate lock and would lose
 * the previous actions' history that the progress query shows. The workflow ends when the server is
 * deleted or after an idle period (the API starts it again with USE_EXISTING on the next request).
 *
 * A resize waits in VERIFY_RESIZE for confirm_resize or revert_resize; after `resizeConfirmMs`
 * (Nova's resize_confirm_window) the workflow confirms it itself, and it does not end while one
 * waits. It continues as new when Temporal suggests it or after `actionsPerRun` actions, carrying
 * over the history, a waiting resize and an action accepted while its handlers finished (patched
 * `server-pending-over-continue-as-new`: older runs hand over as they always did).
 *
 * A resize whose wait failed while Nova went on to VERIFY_RESIZE keeps its reservation and waits for
 * confirmation like any other, and a confirm_resize the workflow has no waiting resize for takes its
 * target from the server's flavor, matched to the catalog (refused when none matches), reserving and
 * recording it (patched `server-resize-follows-nova`: older runs keep their old path). One whose wait failed while
 * Nova was still resizing (RESIZE) keeps its reservation and is read again until it ends: waiting for confirmation
 * in VERIFY_RESIZE, or recorded as the server ended (Nova confirmed or reverted it itself; patched
 * `server-resize-still-resizing`). Cancelled (patched `server-failure-envelope`), the settlement of the action under
 * way, of one accepted but not begun and of a resize awaiting confirmation runs non-cancellable: their reservations
 * go back (a resize Nova already made is recorded), the actions are recorded failed, the record follows the cloud.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  uuid4,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { ServerOperateActivities } from '../activities/openstack/operate-servers';
import type { ResourceRecordActivities } from '../activities/db/resources';
import type { ServerChangeActivities } from '../activities/db/server-changes';
import type { ConsoleInfo, ServerSnapshot } from '../activities/openstack/operate-types';
import {
  hasSizing,
  publicParams,
  settledStatuses,
  type ResizeTarget,
  type ServerActionRequest,
} from '../domain/operate/server-actions';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

export interface InstanceOpsInput {
  resourceId: string;
  tenantId: string;
  serverId: string;
  /** The tenant's OpenStack project the server lives in (null: act as the admin's own project). */
  projectId: string | null;
  /** The workflow ends after this long without a request. */
  idleTimeoutMs: number;
  /** Carried over by continue-as-new. */
  history?: ActionRecord[];
  /** Nova's resize_confirm_window: a resize left in VERIFY_RESIZE this long is confirmed by the workflow (absent: never). */
  resizeConfirmMs?: number;
  /** Continue as new after this many actions (or sooner when Temporal suggests it). */
  actionsPerRun?: number;
  /** An action accepted while the previous run was ending: this run performs it first. */
  pending?: { record: ActionRecord; request: ServerActionRequest } | null;
  /** A resize waiting in VERIFY_RESIZE for confirmation, carried over too. */
  awaitingConfirm?: AwaitingConfirm | null;
}

/** A resize the server has made and Nova waits to have confirmed or reverted. */
export interface AwaitingConfirm {
  /** The resize action's id: the key of its quota reservation and of its lifecycle event. */
  key: string;
  flavor: ResizeTarget;
  /** When it is confirmed automatically (ms since epoch); while `resizing`, when the server is read again. */
  deadline: number;
  /** Nova was still resizing (RESIZE) when the resize's wait failed: followed until it ends, never auto-confirmed. */
  resizing?: boolean;
}

export type ActionStatus = 'accepted' | 'running' | 'succeeded' | 'failed';

export interface ActionRecord {
  id: string;
  action: ServerActionRequest['action'];
  params: Record<string, unknown>;
  status: ActionStatus;
  /** The step running now (or the last one). */
  step: string;
  steps: Array<{ step: string; at: string }>;
  requestedBy: string | null;
  requestedAt: string;
  finishedAt: string | null;
  error: { type: string; message: string } | null;
  result: Record<string, unknown> | null;
}

export interface InstanceOpsProgress {
  resourceId: string;
  serverId: string;
  state: 'idle' | 'busy' | 'deleted';
  current: ActionRecord | null;
  /** A resize waiting for confirmResize or revertResize, and when it is confirmed automatically. */
  resize?: { flavor: ResizeTarget; autoConfirmAt: string } | null;
  /** Finished actions, newest first. */
  history: ActionRecord[];
}

export const requestActionUpdate = defineUpdate<ActionRecord, [ServerActionRequest]>('requestAction');
export const consoleUpdate = defineUpdate<ConsoleInfo, [{ type?: string }]>('console');
export const instanceProgressQuery = defineQuery<InstanceOpsProgress>('progress');

export const instanceWorkflowId = (resourceId: string) => `server-${resourceId}`;

const keptHistory = 20;
const resizeFollowsNova = 'server-resize-follows-nova';
/** A failed resize's wait with Nova still in RESIZE: the reservation is kept and the server read until it ends. */
const resizeStillResizing = 'server-resize-still-resizing';
/** How often a resize Nova is still making (after its wait failed) is looked at again. */
const resizeRecheckMs = 10_000;

/** The failure envelope: what an action or a resize awaiting confirmation holds is settled even on cancellation. */
export const serverEnvelopePatch = 'server-failure-envelope';

export async function instanceOpsWorkflow(input: InstanceOpsInput): Promise<InstanceOpsProgress> {
  const queues = queuesOf(workflowInfo().taskQueue);
  const retry: RetryPolicy = { ...retryPresets.openstack, maximumAttempts: 3 };
  const os = proxyActivities<ServerOperateActivities>({
    taskQueue: queues.openstack,
    startToCloseTimeout: '1 minute',
    retry,
  });
  const waits = proxyActivities<ServerOperateActivities>({
    taskQueue: queues.openstack,
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: '30 seconds',
    retry,
  });
  const db = proxyActivities<ResourceRecordActivities & ServerChangeActivities>({
    taskQueue: queues.orchestration,
    startToCloseTimeout: '30 seconds',
    retry: retryPresets.orchestration,
  });

  const history: ActionRecord[] = input.history ?? [];
  let pending: { record: ActionRecord; request: ServerActionRequest } | null = input.pending ?? null;
  let current: ActionRecord | null = pending?.record ?? null;
  let awaitingConfirm: AwaitingConfirm | null = input.awaitingConfirm ?? null;
  let deleted = false;
  let actionsThisRun = 0;

  const progress = (): InstanceOpsProgress => ({
    resourceId: input.resourceId,
    serverId: input.serverId,
    state: deleted ? 'deleted' : current ? 'busy' : 'idle',
    current,
    history,
    ...(awaitingConfirm
      ? { resize: { flavor: awaitingConfirm.flavor, autoConfirmAt: new Date(awaitingConfirm.deadline).toISOString() } }
      : {}),
  });
  const newRecord = (request: ServerActionRequest): ActionRecord => ({
    id: uuid4(),
    action: request.action,
    params: publicParams(request),
    status: 'accepted',
    step: 'checking state',
    steps: [{ step: 'checking state', at: new Date().toISOString() }],
    requestedBy: request.requestedBy ?? null,
    requestedAt: new Date().toISOString(),
    finishedAt: null,
    error: null,
    result: null,
  });
  const step = (r: ActionRecord, name: string) => {
    r.step = name;
    r.steps.push({ step: name, at: new Date().toISOString() });
  };

  setHandler(instanceProgressQuery, progress);

  setHandler(
    requestActionUpdate,
    async (request) => {
      const record = newRecord(request);
      // Taken before the first await: a second request arriving meanwhile sees the server busy.
      current = record;
      try {
        await os.checkServerAction({
          serverId: input.serverId,
          projectId: input.projectId,
          action: request.action,
          rebootType: request.rebootType,
          flavor: request.flavor,
        });
        // The quota a resize adds, or an offloaded server takes again, is held before Nova is asked.
        if (request.action === 'resize')
          await db.reserveResizeQuota({ resourceId: input.resourceId, key: record.id, flavor: request.flavor! });
        if (request.action === 'unshelve')
          await db.reserveUnshelveQuota({ resourceId: input.resourceId, key: record.id });
        if (request.action === 'confirm_resize' && !awaitingConfirm && patched(resizeFollowsNova))
          awaitingConfirm = await resizeNovaMade(record);
      } catch (e) {
        current = null;
        throw e;
      }
      pending = { record, request };
      return { ...record };
    },
    {
      validator: (request) => {
        if (deleted) throw ApplicationFailure.nonRetryable('the server has been deleted', 'ServerDeleted');
        if (current)
          throw ApplicationFailure.nonRetryable(
            `the server is busy: ${current.action} is in progress (step: ${current.step})`,
            'ServerBusy',
            { action: current.action, step: current.step },
          );
        if (request.action === 'set_password' && !request.password)
          throw ApplicationFailure.nonRetryable('a password is required', 'InvalidRequest');
        if (request.action === 'set_security_groups' && !request.securityGroupIds?.length)
          throw ApplicationFailure.nonRetryable('at least one security group is required', 'InvalidRequest');
        if (request.action === 'resize' && !request.flavor)
          throw ApplicationFailure.nonRetryable('a flavor is required', 'InvalidRequest');
        if (request.action === 'rebuild' && !request.imageId)
          throw ApplicationFailure.nonRetryable('an image is required', 'InvalidRequest');
      },
    },
  );

  setHandler(
    consoleUpdate,
    async ({ type }): Promise<ConsoleInfo> =>
      os.getServerConsole({ serverId: input.serverId, projectId: input.projectId, type: type ?? 'novnc' }),
    {
      validator: (_request: { type?: string }) => {
        if (deleted) throw ApplicationFailure.nonRetryable('the server has been deleted', 'ServerDeleted');
      },
    },
  );

  async function perform(record: ActionRecord, request: ServerActionRequest): Promise<void> {
    const { serverId, projectId } = input;
    step(record, 'requesting from OpenStack');
    if (request.action === 'resize') step(record, 'resizing');
    const submitted = await os.submitServerAction({
      serverId,
      projectId,
      action: request.action,
      rebootType: request.rebootType,
      password: request.password,
      imageName: request.imageName,
      securityGroupIds: request.securityGroupIds,
      imageId: request.imageId,
      flavorRef: request.flavor ? (await os.ensureResizeFlavor({ flavor: request.flavor })).flavorRef : undefined,
      tag: `${workflowInfo().workflowId}/${record.id}`,
    });
    if (request.action === 'delete') {
      step(record, 'waiting for the server to go');
      await waits.waitServerGone({ serverId, projectId });
      step(record, 'removing its port and address');
      for (const companion of await db.serverCompanions({ resourceId: input.resourceId })) {
        await os.deleteServerCompanion({ kind: companion.kind, openstackId: companion.openstackId, projectId });
        await db.markResourceDeleted({ resourceId: companion.resourceId });
      }
      step(record, 'releasing quota');
      await db.markResourceDeleted({ resourceId: input.resourceId });
      if (awaitingConfirm) await db.releaseServerQuota({ key: awaitingConfirm.key });
      awaitingConfirm = null;
      deleted = true;
      return;
    }
    if (request.action === 'snapshot') {
      const imageId = submitted.imageId!;
      record.result = { imageId };
      step(record, 'waiting for the image');
      const image = await waits.waitImageActive({ imageId, projectId });
      step(record, 'recording the image');
      const imageResourceId = await db.recordTenantImage({
        tenantId: input.tenantId,
        image,
        sourceResourceId: input.resourceId,
      });
      record.result = { imageId, imageResourceId };
    }
    if (request.action === 'set_security_groups') {
      record.result = { securityGroupIds: request.securityGroupIds ?? [], portIds: submitted.portIds ?? [] };
      step(record, 'recording security groups');
      await db.recordServerSecurityGroups({
        resourceId: input.resourceId,
        securityGroupIds: request.securityGroupIds ?? [],
      });
    }
    step(record, 'waiting for the server to settle');
    let snapshot = await waits.waitServerSettled({ serverId, projectId, statuses: settledStatuses(request) });
    const at = new Date().toISOString();
    if (request.action === 'resize') {
      awaitingConfirm = {
        key: record.id,
        flavor: request.flavor!,
        deadline: Date.now() + (input.resizeConfirmMs ?? 0),
      };
      record.result = { autoConfirmAt: new Date(awaitingConfirm.deadline).toISOString() };
    }
    if (request.action === 'confirm_resize' && awaitingConfirm) {
      step(record, 'recording the new flavor and price');
      await db.recordServerResized({
        resourceId: input.resourceId,
        key: awaitingConfirm.key,
        flavor: awaitingConfirm.flavor,
        confirmedAt: at,
      });
      record.result = { flavor: awaitingConfirm.flavor, confirmedAt: at };
      awaitingConfirm = null;
    }
    if (request.action === 'revert_resize' && awaitingConfirm) {
      step(record, 'releasing quota');
      await db.releaseServerQuota({ key: awaitingConfirm.key });
      awaitingConfirm = null;
    }
    if (request.action === 'shelve') {
      // Nova offloads at once by default (shelved_offload_time 0); otherwise the platform asks for it.
      if (snapshot.status === 'SHELVED') {
        step(record, 'offloading');
        await os.offloadShelvedServer({ serverId, projectId });
        snapshot = await waits.waitServerSettled({ serverId, projectId, statuses: ['SHELVED_OFFLOADED'] });
      }
      step(record, 'releasing cores and RAM');
      await db.recordServerOffloaded({ resourceId: input.resourceId, key: record.id, at });
    }
    if (request.action === 'unshelve') {
      step(record, 'taking cores and RAM again');
      await db.recordServerUnshelved({ resourceId: input.resourceId, key: record.id, at });
    }
    step(record, 'recording state');
    await db.recordServerState({ resourceId: input.resourceId, snapshot });
  }

  /**
   * A server in VERIFY_RESIZE the workflow waits for no resize of (its resize's wait failed before Nova got
   * there, or someone resized it past the platform): the catalog flavor of its new sizing, reserved under
   * `record` so the confirm records it. InvalidServerState (a 409) when no catalog flavor has that sizing.
   */
  async function resizeNovaMade(record: ActionRecord): Promise<AwaitingConfirm> {
    const f = (await os.getServerSnapshot({ serverId: input.serverId, projectId: input.projectId }))?.flavor;
    const lastAsked = history.find((r) => r.action === 'resize')?.params.flavor as ResizeTarget | undefined;
    const flavor =
      f?.vcpus != null && f.ram != null && f.disk != null
        ? await db.catalogFlavorOf({ vcpus: f.vcpus, ramMb: f.ram, diskGb: f.disk, prefer: lastAsked?.productId })
        : null;
    if (!flavor)
      throw ApplicationFailure.nonRetryable(
        `cannot confirm resize: the server's flavor (${f?.vcpus ?? '?'} vCPUs, ${f?.ram ?? '?'} MB RAM, ${f?.disk ?? '?'} GB disk) matches no catalog flavor; revert the resize instead`,
        'InvalidServerState',
        { status: 'VERIFY_RESIZE', flavor: f ?? null },
      );
    await db.reserveResizeQuota({ resourceId: input.resourceId, key: record.id, flavor });
    return { key: record.id, flavor, deadline: Date.now() };
  }

  /**
   * A resize whose wait failed: when Nova went on with it (VERIFY_RESIZE, or the new flavor already), it
   * keeps its reservation and waits for confirmation; one Nova has confirmed itself is recorded at once.
   */
  async function keepFailedResize(record: ActionRecord, request: ServerActionRequest, s: ServerSnapshot | null) {
    const flavor = request.flavor!;
    // Still resizing: Nova may yet finish it (and even confirm it itself), so it is followed (`followResize`).
    if (s?.status === 'RESIZE' && patched(resizeStillResizing)) {
      awaitingConfirm = { key: record.id, flavor, deadline: Date.now() + resizeRecheckMs, resizing: true };
      return;
    }
    if (!s || (s.status !== 'VERIFY_RESIZE' && !hasSizing(s.flavor, flavor))) return;
    awaitingConfirm = { key: record.id, flavor, deadline: Date.now() + (input.resizeConfirmMs ?? 0) };
    record.result = { autoConfirmAt: new Date(awaitingConfirm.deadline).toISOString() };
    if (s.status !== 'VERIFY_RESIZE' && !s.taskState) await settleAwaiting(s);
  }

  /** What an action that failed half way held goes back (a resize's or unshelve's reservation). */
  async function undoFailed(request: ServerActionRequest, record: ActionRecord): Promise<void> {
    if (request.action === 'resize' && awaitingConfirm?.key !== record.id)
      await db.releaseServerQuota({ key: record.id });
    if (request.action === 'unshelve') await db.releaseServerQuota({ key: record.id });
  }

  /**
   * A confirm or revert failed: the server tells how the resize ended. Still waiting: try again in a
   * minute. Otherwise (someone else confirmed or reverted, or the server is gone) the record follows
   * the flavor the server has.
   */
  async function settleAwaiting(snapshot: ServerSnapshot | null): Promise<void> {
    const a = awaitingConfirm;
    if (!a) return;
    if (snapshot?.status === 'VERIFY_RESIZE' || (a.resizing && snapshot?.status === 'RESIZE')) {
      awaitingConfirm = { ...a, deadline: Math.max(a.deadline, Date.now() + 60_000) };
      return;
    }
    if (hasSizing(snapshot?.flavor, a.flavor))
      await db.recordServerResized({
        resourceId: input.resourceId,
        key: a.key,
        flavor: a.flavor,
        confirmedAt: new Date().toISOString(),
      });
    else await db.releaseServerQuota({ key: a.key });
    awaitingConfirm = null;
  }

  /**
   * A resize Nova was still making when its wait failed, read again: still RESIZE, later again; VERIFY_RESIZE,
   * it waits for confirmation as any other; ended (Nova confirmed or reverted it itself, or the server is gone),
   * the record follows the server's flavor (recorded resized, or the reservation goes back).
   */
  async function followResize(): Promise<void> {
    const a = awaitingConfirm!;
    let s: ServerSnapshot | null;
    try {
      s = await os.getServerSnapshot({ serverId: input.serverId, projectId: input.projectId });
    } catch {
      awaitingConfirm = { ...a, deadline: Date.now() + resizeRecheckMs };
      return;
    }
    if (s?.status === 'RESIZE') awaitingConfirm = { ...a, deadline: Date.now() + resizeRecheckMs };
    else if (s?.status === 'VERIFY_RESIZE')
      awaitingConfirm = { key: a.key, flavor: a.flavor, deadline: Date.now() + (input.resizeConfirmMs ?? 0) };
    else {
      if (s && !deleted) await db.recordServerState({ resourceId: input.resourceId, snapshot: s });
      await settleAwaiting(s);
    }
  }

  /** Whether this run has done enough to hand over to a fresh one (history kept short). */
  const shouldRollOver = () =>
    workflowInfo().continueAsNewSuggested ||
    (input.actionsPerRun !== undefined &&
      actionsThisRun >= input.actionsPerRun &&
      patched('server-roll-over-by-count'));

  try {
    return await serve();
  } catch (e) {
    // Histories from before the envelope end as they did.
    if (!isCancellation(e) || !patched(serverEnvelopePatch)) throw e;
    await CancellationScope.nonCancellable(settleCancelled);
    throw e;
  }

  /**
   * The workflow is cancelled: an action accepted but not begun is recorded failed and gives back what it reserved;
   * a resize waiting for confirmation gives its reservation back unless the server already has the new flavor
   * (then it is recorded resized); a later confirm_resize of a server still in VERIFY_RESIZE reserves again. The
   * server's record follows the cloud.
   */
  async function settleCancelled(): Promise<void> {
    if (pending) {
      const { record, request } = pending;
      pending = null;
      record.status = 'failed';
      record.error = { type: 'Cancelled', message: 'the server process was cancelled before the action ran' };
      step(record, 'failed');
      await undoFailed(request, record).catch(() => undefined);
      record.finishedAt = new Date().toISOString();
      history.unshift(record);
      history.splice(keptHistory);
    }
    current = null;
    if (deleted) return;
    const s = await os
      .getServerSnapshot({ serverId: input.serverId, projectId: input.projectId })
      .catch(() => undefined);
    if (s) await db.recordServerState({ resourceId: input.resourceId, snapshot: s });
    const a = awaitingConfirm;
    if (!a) return;
    if (s && s.status !== 'VERIFY_RESIZE' && s.status !== 'RESIZE') await settleAwaiting(s);
    else await db.releaseServerQuota({ key: a.key });
    awaitingConfirm = null;
  }

  async function serve(): Promise<InstanceOpsProgress> {
    for (;;) {
      const confirmIn = awaitingConfirm ? Math.max(1, awaitingConfirm.deadline - Date.now()) : null;
      const woke = await condition(
        () => pending !== null,
        confirmIn !== null ? Math.min(confirmIn, input.idleTimeoutMs) : input.idleTimeoutMs,
      );
      if (!woke && awaitingConfirm?.resizing && !current && Date.now() >= awaitingConfirm.deadline) {
        await followResize();
        continue;
      }
      if (!woke && awaitingConfirm && !current && Date.now() >= awaitingConfirm.deadline) {
        // Nova's resize_confirm_window: the tenant neither confirmed nor reverted in time.
        const request: ServerActionRequest = { action: 'confirm_resize', requestedBy: 'system:resize-confirm-window' };
        const record = newRecord(request);
        current = record;
        pending = { record, request };
      }
      if (!woke && !pending) {
        if (current && awaitingConfirm) await condition(() => pending !== null || current === null);
        if (current || awaitingConfirm) continue;
        await condition(allHandlersFinished);
        if (pending === null && current === null) return progress();
        continue;
      }
      const { record, request } = pending!;
      pending = null;
      actionsThisRun++;
      record.status = 'running';
      try {
        await perform(record, request);
        record.status = 'succeeded';
        step(record, 'done');
      } catch (e) {
        record.status = 'failed';
        record.error = describe(e);
        step(record, 'failed');
        // What the failed action held is settled even when the workflow itself is being cancelled (a cancellation
        // would otherwise fail every call below at once and leave the reservation held).
        const settleFailed = async () => {
          // A failed resize reads the server before its reservation may go back (undefined: not read).
          let seen: ServerSnapshot | null | undefined;
          if (request.action === 'resize' && patched(resizeFollowsNova)) {
            try {
              seen = await os.getServerSnapshot({ serverId: input.serverId, projectId: input.projectId });
              await keepFailedResize(record, request, seen);
            } catch {
              /* not read: the reservation goes back, and a later confirm_resize takes the server's flavor */
            }
          }
          try {
            await undoFailed(request, record);
          } catch {
            /* the reservation stays for the reconciler; the failure above is what the user needs to see */
          }
          // The platform's record follows the cloud even when an action failed half way.
          if (!deleted) {
            try {
              const snapshot =
                seen !== undefined
                  ? seen
                  : await os.getServerSnapshot({ serverId: input.serverId, projectId: input.projectId });
              if (snapshot) await db.recordServerState({ resourceId: input.resourceId, snapshot });
              if (request.action === 'confirm_resize' || request.action === 'revert_resize')
                await settleAwaiting(snapshot);
            } catch {
              /* the failure above is what the user needs to see */
            }
          }
        };
        if (patched(serverEnvelopePatch)) await CancellationScope.nonCancellable(settleFailed);
        else await settleFailed();
      }
      record.finishedAt = new Date().toISOString();
      history.unshift(record);
      history.splice(keptHistory);
      current = null;
      if (deleted) {
        await condition(allHandlersFinished);
        return progress();
      }
      if (shouldRollOver()) {
        await condition(allHandlersFinished);
        if (patched('server-pending-over-continue-as-new')) {
          // An action accepted (202) while the handlers finished is carried over, never dropped.
          await continueAsNew<typeof instanceOpsWorkflow>({ ...input, history, pending, awaitingConfirm });
        }
        await continueAsNew<typeof instanceOpsWorkflow>({ ...input, history });
      }
    }
  }
}

/** The innermost cause of an activity failure: what OpenStack (or the platform) said. */
function describe(e: unknown): { type: string; message: string } {
  let err = e as { cause?: unknown; type?: string; message?: string; name?: string };
  while (err?.cause && typeof err.cause === 'object') err = err.cause as typeof err;
  return { type: err?.type ?? err?.name ?? 'Error', message: err?.message ?? String(e) };
}
