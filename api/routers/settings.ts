import { Hono } from 'hono';
import { jsonBody } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv } from '../deps';
import { describeSettings, settingsPatch, writeSettings } from '../services/settings';
import { requestBody } from '../lib/request-schemas';

export const settingsRouter = new Hono<AppEnv>();
settingsRouter.use('*', requireAuth, requirePermission('settings:manage'));

settingsRouter.get('/', async (c) => c.json(await describeSettings(c.get('em'), c.get('deps').config)));

requestBody('PATCH /api/v1/settings', settingsPatch);
settingsRouter.patch('/', async (c) => {
  c.set('audit', { action: 'settings.update', targetType: 'settings', tenantId: null });
  const body = await jsonBody(c, settingsPatch);
  const { config, orm } = c.get('deps');
  const changes = await writeSettings(c.get('em'), orm, config, body);
  c.set('audit', { action: 'settings.update', targetType: 'settings', tenantId: null, details: { changes } });
  return c.json(await describeSettings(c.get('em'), config));
});
