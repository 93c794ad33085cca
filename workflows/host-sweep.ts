import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, patched, startChild, workflowInfo } from '@temporalio/workflow';
import { failureConfirmed } from '../domain/ha/signals';
import type { FailureRule } from '../domain/scheduling/failure-detection';
import { evacuateWorkflow, evacuateWorkflowId, type EvacuateInput } from './evacuate';
import { haActivities, raiseAlarm } from './ha-activities';

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
  /** Nova reports them down while no second signal confirms it: alarmed, not evacuated. */
  degraded?: string[];
  /** Failed hosts whose evacuation could not be started: noted on the host, alarmed, tried again by the next sweep. */
  startFailed?: string[];
}

/**
 * Patch of the sweep's retry: a host marked failed whose evacuation never began (its start failed, or it ended before
 * fencing) is started again by every later sweep, and a start that fails is noted on the host and audited (each sweep)
 * and alarmed (once per failure streak) instead of failing the sweep (and leaving the host failed with nothing evacuating it).
 */
export const SWEEP_RETRY_PATCH = 'ha-sweep-retry-failed';

/** Patch of the two-signal rule: a host counts as missed only when its metrics are gone or its probe fails too. */
export const TWO_SIGNALS_PATCH = 'ha-two-signal-detection';

/**
 * One sweep (run by the `host-sweep` Temporal Schedule): read every compute service, fold the
 * result into each host's detector state, and start `evacuate-<host>` for hosts that just met
 * the failure rule, or that are failed with no evacuation begun (a start that failed before). A failure already being
 * handled starts nothing new.
 */
export async function hostSweepWorkflow(input: HostSweepInput): Promise<HostSweepResult> {
  const { db, cloud, fencer, alarms } = haActivities();
  const hosts = await cloud.haListComputeHosts();
  const at = Date.now();
  const degraded = new Set<string>();
  if (patched(TWO_SIGNALS_PATCH)) {
    const novaDown = hosts.filter((h) => !h.up && !h.forcedDown).map((h) => h.name);
    const signals = novaDown.length ? await fencer.haHostSignals({ hosts: novaDown }) : [];
    for (const s of signals) if (!failureConfirmed(s)) degraded.add(s.host);
    const moved = await db.haMarkDegraded({ degraded: [...degraded] });
    for (const host of [...moved.entered, ...moved.left]) {
      const s = signals.find((x) => x.host === host);
      await raiseAlarm(alarms, {
        event: 'host_degraded',
        objectType: 'host',
        objectId: host,
        severity: 'warning',
        summary: `nova-compute of ${host} is down while the host still runs (metrics ${s?.metricsPresent ?? 'unknown'}, probe ${s?.probeOk ?? 'unknown'}): not evacuated`,
        resolved: moved.left.includes(host),
      });
    }
  }
  const failed = await db.haRecordSweep({
    observations: hosts.map((h) => ({
      host: h.name,
      up: h.up,
      ignored: h.forcedDown || degraded.has(h.name),
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
  const retry = patched(SWEEP_RETRY_PATCH);
  const toStart = [...failed];
  if (retry)
    for (const f of await db.haFailedWithoutEvacuation()) if (!toStart.some((x) => x.host === f.host)) toStart.push(f);
  const startFailed: string[] = [];
  for (const f of toStart) {
    try {
      await startChild(evacuateWorkflow, {
        workflowId: evacuateWorkflowId(f.host),
        parentClosePolicy: ParentClosePolicy.ABANDON,
        args: [{ ...input.evacuation, hostname: f.host, failedAt: f.failedAt, trigger: 'sweep' }],
      });
      started.push(f.host);
    } catch (e) {
      if (e instanceof WorkflowExecutionAlreadyStartedError) continue;
      if (!retry) throw e;
      startFailed.push(f.host);
      const error = (e as Error).message.slice(0, 200);
      // Tried again by every sweep; alarmed once per failure streak (the first sweep that could not start it).
      const { attempts } = await db.haEvacuationStartFailed({
        runId: workflowInfo().runId,
        hostname: f.host,
        failedAt: f.failedAt,
        error,
      });
      if (attempts > 1) continue;
      await raiseAlarm(alarms, {
        event: 'host_failed',
        objectType: 'host',
        objectId: f.host,
        severity: 'critical',
        summary: `${f.host} failed and its evacuation could not be started (${error}): the next sweep tries again`,
      });
    }
  }
  return {
    checked: hosts.length,
    down: hosts.filter((h) => !h.up).map((h) => h.name),
    failed: failed.map((f) => f.host),
    evacuationsStarted: started,
    degraded: [...degraded],
    ...(retry ? { startFailed } : {}),
  };
}
