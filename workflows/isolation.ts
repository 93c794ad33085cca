/**
 * `isolation-<target>`: applies one isolation setting to the cloud — a Neutron QoS bandwidth limit
 * on a server's ports, or an Octavia listener's connection limit — and answers what OpenStack holds.
 * One workflow per target, so two changes of the same server or listener never interleave.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
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

export async function isolationWorkflow(req: IsolationRequest): Promise<IsolationResult> {
  const os = proxyActivities<IsolationActivities>({
    taskQueue: queuesOf(workflowInfo().taskQueue).openstack,
    startToCloseTimeout: '1 minute',
    retry: { ...retryPresets.openstack, maximumAttempts: 10 },
  });
  switch (req.kind) {
    case 'bandwidth': {
      const { kind: _k, ...input } = req;
      return { kind: 'bandwidth', result: await os.applyBandwidthLimit(input) };
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
