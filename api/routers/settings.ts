import { Hono } from 'hono';
import { z } from 'zod';
import { jsonBody } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv } from '../deps';
import { readSettings, writeSettings } from '../services/settings';

const patchBody = z.object({ registrationRequiresApproval: z.boolean().optional() }).strict();

export const settingsRouter = new Hono<AppEnv>();
settingsRouter.use('*', requireAuth, requirePermission('settings:manage'));

settingsRouter.get('/', async (c) => c.json(await readSettings(c.get('em'), c.get('deps').config)));

settingsRouter.patch('/', async (c) => {
  const body = await jsonBody(c, patchBody);
  c.set('audit', { action: 'settings.update', targetType: 'settings', tenantId: null, details: body });
  await writeSettings(c.get('em'), body);
  return c.json(await readSettings(c.get('em'), c.get('deps').config));
});
