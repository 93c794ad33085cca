/**
 * `isolation-<target>`: applies one isolation setting to the cloud — a Neutron QoS bandwidth limit
 * on a server's ports, or an Octavia listener's connection limit — and answers what OpenStack holds.
 * One workflow per target, so two changes of the same server or listener never interleave.
 * A bandwidth limit that cannot be applied (out of retries, or the workflow cancelled) is undone non-cancellable: the
 * server's rule and its ports' bindings go back to what they were before (patched `isolation-restore`).
 */
import { CancellationScope, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { BandwidthLimitResult, IsolationActivities } from '../activities/openstack/isolation';
import { queuesOf } from '../domain/task-queues';
import { retryPresets } from './retry-presets';

export type IsolationRequest =
  | {
      kind: 'bandwidth';
      projectId: string | null;
      serverId: string;
      maxKbps: number;
      maxBurstKbps?: number;
      direction?: 'egress' | 'ingress';
    }
  | { kind: 'clear-bandwidth'; projectId: string | null; serverId: string }
  | { kind: 'connection-limit'; projectId: string | null; listenerId: string; connectionLimit: number };

export type IsolationResult =
  | { kind: 'bandwidth'; result: BandwidthLimitResult }
  | { kind: 'clear-bandwidth' }
  | { kind: 'connection-limit'; connectionLimit: number };

export const isolationWorkflowId = (target: string) => `isolation-${target}`;
/** Patch of the bandwidth limit's undo: what it was before is read first and put back when the change fails. */
export const isolationRestorePatch = 'isolation-restore';

export async function isolationWorkflow(req: IsolationRequest): Promise<IsolationResult> {
  const os = proxyActivities<IsolationActivities>({
    taskQueue: queuesOf(workflowInfo().taskQueue).openstack,
    startToCloseTimeout: '1 minute',
    retry: { ...retryPresets.openstack, maximumAttempts: 10 },
  });
  switch (req.kind) {
    case 'bandwidth': {
      const { kind: _k, ...input } = req;
      if (!patched(isolationRestorePatch)) return { kind: 'bandwidth', result: await os.applyBandwidthLimit(input) };
      const target = { projectId: req.projectId, serverId: req.serverId, direction: req.direction };
      const previous = await os.readBandwidthState(target);
      try {
        return { kind: 'bandwidth', result: await os.applyBandwidthLimit(input) };
      } catch (e) {
        // Retried without limit: a limit half applied must not stay (the platform records only what succeeded).
        const { maximumAttempts: _bounded, ...unbounded } = retryPresets.openstack;
        const undo = proxyActivities<IsolationActivities>({
          taskQueue: queuesOf(workflowInfo().taskQueue).openstack,
          startToCloseTimeout: '1 minute',
          retry: { ...unbounded, maximumInterval: '1 minute' },
        });
        await CancellationScope.nonCancellable(() => undo.restoreBandwidthState({ ...target, previous }));
        throw e;
      }
    }
    case 'clear-bandwidth':
      await os.clearBandwidthLimit({ projectId: req.projectId, serverId: req.serverId });
      return { kind: 'clear-bandwidth' };
    case 'connection-limit':
      return {
        kind: 'connection-limit',
        ...(await os.setListenerConnectionLimit({
          projectId: req.projectId,
          listenerId: req.listenerId,
          connectionLimit: req.connectionLimit,
        })),
      };
  }
}
