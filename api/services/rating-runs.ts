import { WorkflowFailedError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import type { RatingSummary } from '../../workflows/rating';

export interface RatingRunView {
  workflowId: string;
  status: string;
  startedAt: string;
  closedAt: string | null;
  /** What a completed run rated. */
  summary: RatingSummary | null;
  /** Why a run ended without rating (failed, cancelled, terminated, timed out): the innermost cause. */
  failure: string | null;
}

function causeOf(e: unknown): string {
  let err = e as { cause?: unknown; message?: string };
  while (err?.cause && typeof err.cause === 'object') err = err.cause as typeof err;
  return (err?.message ?? String(e)).slice(0, 1000);
}

/** A rating run as operators see it: its state and, once ended, what it rated or why it did not. */
async function viewOf(client: Client, w: WorkflowExecutionInfo): Promise<RatingRunView> {
  const view: RatingRunView = {
    workflowId: w.workflowId,
    status: w.status.name.toLowerCase(),
    startedAt: w.startTime.toISOString(),
    closedAt: w.closeTime?.toISOString() ?? null,
    summary: null,
    failure: null,
  };
  if (w.status.name === 'RUNNING') return view;
  try {
    view.summary = await client.workflow.getHandle<() => Promise<RatingSummary>>(w.workflowId, w.runId).result();
  } catch (e) {
    if (!(e instanceof WorkflowFailedError)) throw e;
    view.failure = causeOf(e);
  }
  return view;
}

/** The latest rating and backfill runs of this deployment (its orchestration queue), newest first: one page of them. */
export async function latestRatingRuns(
  client: Client,
  taskQueue: string,
  limit: number,
  offset = 0,
): Promise<{ items: RatingRunView[]; total: number }> {
  const infos: WorkflowExecutionInfo[] = [];
  const query = `WorkflowType = 'ratingWorkflow' AND TaskQueue = '${taskQueue.replace(/'/g, '')}'`;
  const wanted = offset + limit;
  for await (const w of client.workflow.list({ query, pageSize: Math.min(wanted, 1000) })) {
    infos.push(w);
    if (infos.length >= wanted) break;
  }
  infos.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
  const { count } = await client.workflow.count(query);
  const items = await Promise.all(infos.slice(offset, wanted).map((w) => viewOf(client, w)));
  // Visibility counts and lists separately: the total is never below what this page shows.
  return { items, total: Math.max(count, infos.length) };
}
