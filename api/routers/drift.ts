import { Hono } from 'hono';
import { z } from 'zod';
import { DriftFinding } from '../../domain/entities';
import type { Schemas } from '../../openapi/types';
import { driftWorkflow, type DriftSummary } from '../../workflows/drift';
import { page, pageQuery } from '../lib/pagination';
import { queryParams } from '../lib/validate';
import { requirePermission } from '../middleware/authenticate';
import type { AppEnv } from '../deps';
import { ensureDriftSchedule } from '../services/drift-schedule';

const findingsQuery = pageQuery
  .extend({
    tenantId: z.string().uuid().optional(),
    kind: z.string().max(24).optional(),
    resolved: z.enum(['true', 'false']).default('false'),
  })
  .strict();

function findingView(f: DriftFinding): Schemas['OperateDriftFinding'] {
  return {
    id: f.id,
    kind: f.kind,
    openstackId: f.openstackId,
    projectId: f.projectId,
    tenantId: f.tenantId ?? null,
    name: f.name,
    osStatus: f.osStatus ?? null,
    firstSeenAt: f.firstSeenAt.toISOString(),
    lastSeenAt: f.lastSeenAt.toISOString(),
    resolvedAt: f.resolvedAt ? f.resolvedAt.toISOString() : null,
  };
}

/** The drift reconciler, for operators: run it now (and make sure its schedule exists), and list what it found. */
export const driftRouter = new Hono<AppEnv>();

driftRouter.post('/run', requirePermission('resources:operate'), async (c) => {
  const deps = c.get('deps');
  const scheduled = await ensureDriftSchedule(
    deps.temporal,
    deps.queues.orchestration,
    deps.config.DRIFT_INTERVAL_MINUTES,
  );
  c.set('audit', { action: 'drift.run', targetType: 'drift', details: { scheduled } });
  const summary = await deps.temporal.workflow.execute(driftWorkflow, {
    workflowId: `drift-manual-${Date.now()}`,
    taskQueue: deps.queues.orchestration,
    workflowExecutionTimeout: '5 minutes',
  });
  return c.json({ ...summary, scheduled } satisfies DriftSummary & {
    scheduled: boolean;
  } as Schemas['OperateDriftSummary']);
});

driftRouter.get('/findings', requirePermission('resources:read'), async (c) => {
  const q = queryParams(c, findingsQuery);
  const where = {
    resolvedAt: q.resolved === 'true' ? { $ne: null } : null,
    ...(q.tenantId ? { tenantId: q.tenantId } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
  };
  const [items, total] = await c
    .get('em')
    .findAndCount(DriftFinding, where, { orderBy: { lastSeenAt: 'desc' }, limit: q.limit, offset: q.offset });
  return c.json(page(items.map(findingView), total, q));
});
