import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import type { FailureRule } from '../domain/scheduling/failure-detection';
import { evacuateWorkflow, evacuateWorkflowId, type EvacuateInput } from './evacuate';
import { haActivities } from './ha-activities';

export interface HostSweepInput {
  rule: FailureRule;
  /** Settings of the evacuations a detected failure starts. */
  evacuation: Omit<EvacuateInput, 'hostname' | 'failedAt' | 'trigger'>;
}

export interface HostSweepResult {
  checked: number;
  down: string[];
  failed: string[];
  evacuationsStarted: string[];
}

/**
 * One sweep (run by the `host-sweep` Temporal Schedule): read every compute service, fold the
 * result into each host's detector state, and start `evacuate-<host>` for hosts that just met
 * the failure rule. A failure already being handled starts nothing new.
 */
export async function hostSweepWorkflow(input: HostSweepInput): Promise<HostSweepResult> {
  const { db, cloud } = haActivities();
  const hosts = await cloud.haListComputeHosts();
  const at = Date.now();
  const failed = await db.haRecordSweep({
    observations: hosts.map((h) => ({
      host: h.name,
      up: h.up,
      ignored: h.forcedDown,
      enabled: h.enabled,
      vcpus: h.vcpus,
      memoryMb: h.memoryMb,
      usedVcpus: h.usedVcpus,
      usedMemoryMb: h.usedMemoryMb,
      runningVms: h.runningVms,
    })),
    rule: input.rule,
    at,
  });
  const started: string[] = [];
  for (const f of failed) {
    try {
      await startChild(evacuateWorkflow, {
        workflowId: evacuateWorkflowId(f.host),
        parentClosePolicy: ParentClosePolicy.ABANDON,
        args: [{ ...input.evacuation, hostname: f.host, failedAt: f.failedAt, trigger: 'sweep' }],
      });
      started.push(f.host);
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    }
  }
  return {
    checked: hosts.length,
    down: hosts.filter((h) => !h.up).map((h) => h.name),
    failed: failed.map((f) => f.host),
    evacuationsStarted: started,
  };
}
