import { Hono } from 'hono';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv } from '../deps';
import { processOverview } from '../services/processes';

/** Process management: every management process and dependency with its state (processes:read). */
export const processesRouter = new Hono<AppEnv>();
processesRouter.use('*', requireAuth, requirePermission('processes:read'));

processesRouter.get('/', async (c) => c.json(await processOverview(c.get('em'), c.get('deps'))));
