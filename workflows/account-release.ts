/**
 * `deregister-<userId>`: a tenant's last user deregisters, and his cloud resources are released first,
 * each through the process that owns it: a server through its `server-<id>` workflow (started here as
 * a child with the delete as its first action; a run already going ends when idle, the suspended user
 * can send it nothing, and the start is tried again), a load balancer or firewall policy through its
 * `product-<id>` delete (patch `release-tenant-products`), every other object through a `resource-<id>`
 * delete. Then the account is deregistered; if something could not be released, it stays suspended
 * and the audit log names what is left, so staff can act and ask again.
 */
import {
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  executeChild,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { AccountReleaseActivities, ReleaseFailure, ReleaseItem } from '../activities/db/account-release';
import type { OperatedKind } from '../activities/openstack/operate-resources';
import type { ProductChange } from '../activities/openstack/products';
import { queuesOf } from '../domain/task-queues';
import { instanceOpsWorkflow, instanceWorkflowId } from './instance-action';
import { productChangeWorkflow, productWorkflowId } from './product-change';
import { resourceOperationWorkflow, resourceWorkflowId } from './resource-operation';
import { retryPresets } from './retry-presets';

export interface AccountReleaseInput {
  userId: string;
  tenantId: string;
  /** The tenant's OpenStack project. */
  projectId: string | null;
  /** Who asked: the user himself or a staff member. */
  requestedBy: string;
  /** How the per-server workflows are started (as the API starts them). */
  server: { idleTimeoutMs: number; resizeConfirmMs?: number; actionsPerRun?: number };
  /** How long to wait between starts of a server's workflow that is still running. */
  retryStartMs?: number;
}

export interface AccountReleaseProgress {
  state: 'releasing' | 'deregistered' | 'suspended';
  total: number;
  released: number;
  current: { resourceId: string; kind: string; name: string } | null;
  failed: ReleaseFailure[];
}

export const accountReleaseWorkflowId = (userId: string) => `deregister-${userId}`;
export const accountReleaseProgressQuery = defineQuery<AccountReleaseProgress>('progress');
/** The failure envelope: histories from before it replay without it. */
export const accountReleaseEnvelopePatch = 'deregister-failure-envelope';

const operatedKinds: readonly string[] = [
  'volume',
  'snapshot',
  'network',
  'subnet',
  'router',
  'floating_ip',
  'security_group',
  'image',
] satisfies OperatedKind[];

/** The tenant products a release deletes through their `product-<id>` process. */
const productDeletes: Partial<Record<string, ProductChange>> = {
  load_balancer: { op: 'lb_delete' },
  firewall_policy: { op: 'fw_delete' },
};

const message = (e: unknown): string => {
  let err = e as { cause?: unknown; message?: string };
  while (err?.cause && typeof err.cause === 'object') err = err.cause as typeof err;
  return err?.message ?? String(e);
};

export async function accountReleaseWorkflow(input: AccountReleaseInput): Promise<AccountReleaseProgress> {
  const queue = queuesOf(workflowInfo().taskQueue).orchestration;
  const db = proxyActivities<AccountReleaseActivities>({
    taskQueue: queue,
    startToCloseTimeout: '30 seconds',
    retry: retryPresets.orchestration,
  });
  const progress: AccountReleaseProgress = { state: 'releasing', total: 0, released: 0, current: null, failed: [] };
  setHandler(accountReleaseProgressQuery, () => progress);

  const retryMs = input.retryStartMs ?? 30_000;
  const releaseServer = async (r: ReleaseItem) => {
    // A running server workflow ends within its idle time once nobody sends it anything.
    const deadline = Date.now() + input.server.idleTimeoutMs + 5 * 60_000;
    for (;;) {
      try {
        const requestedAt = new Date().toISOString();
        const done = await executeChild(instanceOpsWorkflow, {
          workflowId: instanceWorkflowId(r.resourceId),
          taskQueue: queue,
          args: [
            {
              resourceId: r.resourceId,
              tenantId: input.tenantId,
              serverId: r.openstackId!,
              projectId: input.projectId,
              ...input.server,
              // Short: a delete that fails leaves the run waiting for requests nobody sends; ending soon reports it.
              idleTimeoutMs: Math.min(input.server.idleTimeoutMs, 20_000),
              pending: {
                request: { action: 'delete', requestedBy: input.requestedBy },
                record: {
                  id: uuid4(),
                  action: 'delete',
                  params: {},
                  status: 'accepted',
                  step: 'accepted',
                  steps: [{ step: 'accepted', at: requestedAt }],
                  requestedBy: input.requestedBy,
                  requestedAt,
                  finishedAt: null,
                  error: null,
                  result: null,
                },
              },
            },
          ],
        });
        if (done.state !== 'deleted')
          throw ApplicationFailure.nonRetryable(done.history[0]?.error?.message ?? 'the server was not deleted');
        return;
      } catch (e) {
        // A run of the server's workflow is still going (it ends after its idle time): start again later.
        if (e instanceof WorkflowExecutionAlreadyStartedError && Date.now() < deadline) {
          await sleep(retryMs);
          continue;
        }
        throw e;
      }
    }
  };

  const releaseObject = async (r: ReleaseItem) => {
    const deadline = Date.now() + 30 * 60_000;
    for (;;) {
      try {
        await executeChild(resourceOperationWorkflow, {
          workflowId: resourceWorkflowId(r.resourceId),
          taskQueue: queue,
          args: [
            {
              resourceId: r.resourceId,
              kind: r.kind as OperatedKind,
              op: 'delete',
              projectId: input.projectId,
              openstackId: r.openstackId,
              params: {},
            },
          ],
        });
        return;
      } catch (e) {
        // Another operation on the object is running (at most minutes): its turn comes after it.
        if (e instanceof WorkflowExecutionAlreadyStartedError && Date.now() < deadline) {
          await sleep(retryMs);
          continue;
        }
        throw e;
      }
    }
  };

  const releaseProduct = async (r: ReleaseItem, change: ProductChange) => {
    if (!input.projectId) throw new Error(`the tenant has no OpenStack project to delete the ${r.kind} in`);
    const deadline = Date.now() + 30 * 60_000;
    for (;;) {
      try {
        await executeChild(productChangeWorkflow, {
          workflowId: productWorkflowId(r.resourceId),
          taskQueue: queue,
          args: [{ resourceId: r.resourceId, projectId: input.projectId, change }],
        });
        return;
      } catch (e) {
        // Another change of the product is running (it ends within minutes): the delete comes after it.
        if (e instanceof WorkflowExecutionAlreadyStartedError && Date.now() < deadline) {
          await sleep(retryMs);
          continue;
        }
        throw e;
      }
    }
  };

  const envelope = patched(accountReleaseEnvelopePatch);
  let plan: ReleaseItem[] = [];
  const finish = async (of: typeof db) => {
    progress.current = null;
    progress.state = await of.finishDeregistration({
      userId: input.userId,
      requestedBy: input.requestedBy,
      failed: progress.failed,
      runId: workflowInfo().runId,
    });
    return progress;
  };
  if (!envelope) return releaseAll().then(() => finish(db));
  try {
    await releaseAll();
    return await finish(db);
  } catch (err) {
    // Cancelled, or the database out of retries: the account stays suspended and the audit log names what is left
    // with the cause (the resource under way and those not tried), so staff can act and ask again; even a cancel
    // does not skip this.
    const cause = isCancellation(err) ? 'the release was cancelled' : message(err);
    const named = new Set(progress.failed.map((f) => f.resourceId));
    const done = progress.released + progress.failed.length;
    for (const r of plan.slice(done)) {
      if (!named.has(r.resourceId))
        progress.failed.push({ resourceId: r.resourceId, kind: r.kind, name: r.name, error: cause });
    }
    if (!plan.length) progress.failed.push({ resourceId: '', kind: 'release', name: '', error: cause });
    await CancellationScope.nonCancellable(() => finish(db));
    throw err;
  }

  async function releaseAll(): Promise<void> {
    plan = await db.releasePlan({ tenantId: input.tenantId });
    progress.total = plan.length;
    for (const r of plan) {
      progress.current = { resourceId: r.resourceId, kind: r.kind, name: r.name };
      try {
        if (!(await db.resourceLive({ resourceId: r.resourceId }))) {
          // Gone with what owned it (a server's port and floating IP).
        } else if (r.kind === 'server' && r.openstackId) await releaseServer(r);
        else if (operatedKinds.includes(r.kind)) await releaseObject(r);
        else if (productDeletes[r.kind] && patched('release-tenant-products'))
          await releaseProduct(r, productDeletes[r.kind]!);
        else throw new Error(`the platform has no release path for a ${r.kind}; staff delete it`);
        progress.released++;
      } catch (e) {
        // A cancel stops the release (the envelope names what is left); before it, a cancel went on to the next one.
        if (envelope && isCancellation(e)) throw e;
        progress.failed.push({ resourceId: r.resourceId, kind: r.kind, name: r.name, error: message(e) });
      }
    }
  }
}
