import { Hono } from 'hono';
import { z } from 'zod';
import { HaMigration } from '../../domain/entities';
import {
  abortMigrationSignal,
  migrateWorkflow,
  migrateWorkflowId,
  migrationProgressQuery,
} from '../../workflows/migrate';
import { conflict } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { page, pageQuery } from '../lib/pagination';
import { principalOf } from '../lib/principal';
import { isAlreadyStarted, onWorkflow, signalRunning } from '../lib/temporal';
import { jsonBody, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv } from '../deps';
import { migrateInput } from '../services/ha';
import { migrationView } from '../views/ha';
import { requestBody } from '../lib/request-schemas';

const listQuery = pageQuery
  .extend({
    serverId: z.string().max(64).optional(),
    status: z.enum(['running', 'completed', 'failed', 'aborted']).optional(),
  })
  .strict();
const createBody = z
  .object({
    serverId: z.string().uuid(),
    targetHost: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,255}$/)
      .optional(),
  })
  .strict();

export const migrationsRouter = new Hono<AppEnv>();
migrationsRouter.use('*', requireAuth);

migrationsRouter.get('/', requirePermission('hosts:read'), async (c) => {
  const q = queryParams(c, listQuery);
  const where = { ...(q.serverId ? { serverId: q.serverId } : {}), ...(q.status ? { status: q.status } : {}) };
  const [rows, total] = await c
    .get('em')
    .findAndCount(HaMigration, where, { orderBy: { startedAt: 'desc', id: 'asc' }, limit: q.limit, offset: q.offset });
  return c.json(page(rows.map(migrationView), total, q));
});

requestBody('POST /api/v1/migrations', createBody);
migrationsRouter.post('/', requirePermission('hosts:operate'), async (c) => {
  const body = await jsonBody(c, createBody);
  const workflowId = migrateWorkflowId(body.serverId);
  c.set('audit', {
    action: 'server.migrate',
    targetType: 'server',
    targetId: body.serverId,
    details: body.targetHost ? { targetHost: body.targetHost } : undefined,
  });
  const deps = c.get('deps');
  try {
    await deps.temporal.workflow.start(migrateWorkflow, {
      taskQueue: deps.queues.orchestration,
      workflowId,
      args: [migrateInput(deps.config, { ...body, requestedBy: principalOf(c).userId })],
    });
  } catch (e) {
    if (isAlreadyStarted(e)) throw conflict(`server ${body.serverId} is already being migrated`);
    throw e;
  }
  return c.json({ workflowId }, 202);
});

migrationsRouter.get('/:serverId', requirePermission('hosts:read'), async (c) => {
  const serverId = pathId(c.req.param('serverId'), 'migration');
  const id = migrateWorkflowId(serverId);
  return c.json(
    await onWorkflow('migration', serverId, () =>
      c.get('deps').temporal.workflow.getHandle(id).query(migrationProgressQuery),
    ),
  );
});

migrationsRouter.post('/:serverId/abort', requirePermission('hosts:operate'), async (c) => {
  const serverId = pathId(c.req.param('serverId'), 'migration');
  const workflowId = migrateWorkflowId(serverId);
  c.set('audit', { action: 'server.migrate.abort', targetType: 'server', targetId: serverId });
  await signalRunning(
    c.get('deps').temporal.workflow.getHandle(workflowId),
    'migration',
    serverId,
    abortMigrationSignal,
    { by: principalOf(c).userId },
  );
  return c.json({ workflowId }, 202);
});
