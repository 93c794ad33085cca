/**
 * `public-image-*`: operators' management of the cloud's public images (owned by the platform's
 * admin project, not by a tenant): list, register, delete. Short, run synchronously by the API so
 * the calls go through the OpenStack task queue like every other cloud call. A registration that does not end with
 * the image ready (out of retries, the image killed, the workflow cancelled) removes the image it made,
 * found by its tag, non-cancellable (patch `public-image-failure-envelope`): Glance keeps no half-registered image.
 */
import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  patched,
  proxyActivities,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { ObjectState, ResourceOperateActivities } from '../activities/openstack/operate-resources';
import { queuesOf } from '../domain/task-queues';
import { OpenStackFailureType } from '../activities/openstack/errors';
import { retryPresets } from './retry-presets';

export type PublicImageRequest =
  | { op: 'list' }
  | {
      op: 'create';
      tag: string;
      params: {
        name: string;
        diskFormat: string;
        containerFormat: string;
        minDiskGb: number;
        minRamMb: number;
        url?: string;
      };
    }
  | { op: 'delete'; imageId: string };

export const publicImageEnvelopePatch = 'public-image-failure-envelope';

export async function publicImageWorkflow(req: PublicImageRequest): Promise<ObjectState[]> {
  const retry: RetryPolicy = { ...retryPresets.openstack, maximumAttempts: 3 };
  const taskQueue = queuesOf(workflowInfo().taskQueue).openstack;
  const envelope = req.op === 'create' && patched(publicImageEnvelopePatch);
  const os = proxyActivities<ResourceOperateActivities>({
    taskQueue,
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '30 seconds',
    retry,
    // A cancelled call is waited for, so the removal below sees what it made.
    ...(envelope ? { cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED } : {}),
  });
  try {
    if (req.op === 'list') return await os.listPublicImages();
    if (req.op === 'create') {
      const created = await os.createResourceObject({
        kind: 'image',
        params: { ...req.params, visibility: 'public' },
        projectId: null,
        tag: req.tag,
      });
      return [await os.waitResourceReady({ kind: 'image', openstackId: created.openstackId, projectId: null })];
    }
    const image = await os.readResourceObject({ kind: 'image', openstackId: req.imageId, projectId: null });
    if (!image || image.attributes.visibility !== 'public')
      throw ApplicationFailure.nonRetryable(`public image ${req.imageId} not found`, OpenStackFailureType.NotFound);
    await os.deleteResourceObject({ kind: 'image', openstackId: req.imageId, projectId: null });
    return [];
  } catch (e) {
    if (envelope && req.op === 'create') {
      const { maximumAttempts: _bounded, ...unbounded } = retryPresets.openstack;
      const settle = proxyActivities<Pick<ResourceOperateActivities, 'removeTaggedObject'>>({
        taskQueue,
        startToCloseTimeout: '5 minutes',
        heartbeatTimeout: '30 seconds',
        retry: { ...unbounded, maximumInterval: '1 minute' },
      });
      const params = { ...req.params, visibility: 'public' };
      await CancellationScope.nonCancellable(() =>
        settle.removeTaggedObject({ kind: 'image', params, projectId: null, tag: req.tag }).catch(() => undefined),
      );
    }
    let err = e as { cause?: unknown; type?: string; message?: string };
    while (err?.cause && typeof err.cause === 'object') err = err.cause as typeof err;
    throw ApplicationFailure.nonRetryable(err?.message ?? String(e), err?.type ?? 'Error');
  }
}
