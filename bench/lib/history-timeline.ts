/**
 * Where a workflow's time goes, read from its history: each activity's wait in the task queue
 * (scheduled → started) and its run (started → completed), each child workflow's span, and the
 * workflow's whole span. Used by the benches to print a breakdown beside their figures.
 */
import type { Client } from '@temporalio/client';

export interface TimelineRow {
  /** A local activity is known by its marker only: its times are not in the history. */
  kind: 'activity' | 'local activity' | 'child';
  name: string;
  queuedMs: number;
  runMs: number;
}

const ms = (t: unknown): number => {
  const ts = t as { seconds?: { toNumber(): number } | number; nanos?: number } | null | undefined;
  if (!ts) return 0;
  const s = typeof ts.seconds === 'number' ? ts.seconds : (ts.seconds?.toNumber() ?? 0);
  return s * 1000 + (ts.nanos ?? 0) / 1e6;
};

export interface Timeline {
  totalMs: number;
  rows: TimelineRow[];
  /** Workflow tasks: how many, their wait in the queue and their run on the worker (local activities run inside). */
  workflowTasks: { count: number; queuedMs: number; runMs: number };
}

export async function historyTimeline(client: Client, workflowId: string): Promise<Timeline> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const byId = new Map<string, { name: string; kind: TimelineRow['kind']; scheduled: number; started?: number }>();
  const rows: TimelineRow[] = [];
  const workflowTasks = { count: 0, queuedMs: 0, runMs: 0 };
  let wft = { scheduled: 0, started: 0 };
  for (const e of events) {
    const id = String(e.eventId);
    const at = ms(e.eventTime);
    if (e.workflowTaskScheduledEventAttributes) wft = { scheduled: at, started: at };
    else if (e.workflowTaskStartedEventAttributes) wft.started = at;
    else if (e.workflowTaskCompletedEventAttributes) {
      workflowTasks.count++;
      workflowTasks.queuedMs += wft.started - wft.scheduled;
      workflowTasks.runMs += at - wft.started;
    }
    if (e.activityTaskScheduledEventAttributes)
      byId.set(id, {
        kind: 'activity',
        name: e.activityTaskScheduledEventAttributes.activityType?.name ?? '?',
        scheduled: at,
      });
    else if (e.activityTaskStartedEventAttributes) {
      const a = byId.get(String(e.activityTaskStartedEventAttributes.scheduledEventId));
      if (a) a.started = at;
    } else if (e.activityTaskCompletedEventAttributes) {
      const a = byId.get(String(e.activityTaskCompletedEventAttributes.scheduledEventId));
      if (a)
        rows.push({
          kind: a.kind,
          name: a.name,
          queuedMs: (a.started ?? at) - a.scheduled,
          runMs: at - (a.started ?? at),
        });
    } else if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
      rows.push({ kind: 'local activity', name: 'local', queuedMs: 0, runMs: 0 });
    else if (e.startChildWorkflowExecutionInitiatedEventAttributes)
      byId.set(id, {
        kind: 'child',
        name: e.startChildWorkflowExecutionInitiatedEventAttributes.workflowType?.name ?? '?',
        scheduled: at,
      });
    else if (e.childWorkflowExecutionStartedEventAttributes) {
      const c = byId.get(String(e.childWorkflowExecutionStartedEventAttributes.initiatedEventId));
      if (c) c.started = at;
    } else if (e.childWorkflowExecutionCompletedEventAttributes) {
      const c = byId.get(String(e.childWorkflowExecutionCompletedEventAttributes.initiatedEventId));
      if (c)
        rows.push({
          kind: c.kind,
          name: c.name,
          queuedMs: (c.started ?? at) - c.scheduled,
          runMs: at - (c.started ?? at),
        });
    }
  }
  const totalMs = events.length ? ms(events[events.length - 1].eventTime) - ms(events[0].eventTime) : 0;
  return { totalMs, rows, workflowTasks };
}

/** One line per activity or child: `name queued x ms, ran y ms`, then the share of the span they explain. */
export function formatTimeline(workflowId: string, t: Timeline): string {
  const busy = t.rows.filter((r) => r.kind !== 'child').reduce((a, r) => a + r.queuedMs + r.runMs, 0);
  return [
    `${workflowId}: ${t.totalMs.toFixed(0)} ms in all, ${busy.toFixed(0)} ms in its activities, ` +
      `${t.workflowTasks.count} workflow tasks queued ${t.workflowTasks.queuedMs.toFixed(0)} ms and ran ${t.workflowTasks.runMs.toFixed(0)} ms (local activities inside)`,
    ...t.rows.map((r) => `  ${r.kind} ${r.name}: queued ${r.queuedMs.toFixed(0)} ms, ran ${r.runMs.toFixed(0)} ms`),
  ].join('\n');
}

/** When each activity type of a workflow last completed (epoch ms), from its history. */
export async function activityEnds(client: Client, workflowId: string): Promise<Record<string, number>> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const names = new Map<string, string>();
  const out: Record<string, number> = {};
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes)
      names.set(String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
    const done = e.activityTaskCompletedEventAttributes;
    if (done) out[names.get(String(done.scheduledEventId)) ?? '?'] = ms(e.eventTime);
  }
  return out;
}
