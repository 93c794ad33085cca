import { Hono } from 'hono';
import type { AuthEnv } from '../../core/auth-context';
import { listQuotas, quotaDetails, resetQuota, showQuota, updateQuota } from '../quotas';
import type { NetworkStore } from '../store';
import { callerOf, jsonBody } from './http';

export function quotaRoutes(s: NetworkStore): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.get('/v2.0/quotas', (c) => c.json({ quotas: listQuotas(s, callerOf(c)) }));
  app.get('/v2.0/quotas/:project/details', (c) =>
    c.json({ quota: quotaDetails(s, callerOf(c), c.req.param('project')) }),
  );
  app.get('/v2.0/quotas/:project/default', (c) =>
    c.json({ quota: showQuota(s, { ...callerOf(c), isAdmin: true }, '\0defaults') }),
  );
  app.get('/v2.0/quotas/:project', (c) => c.json({ quota: showQuota(s, callerOf(c), c.req.param('project')) }));
  app.put('/v2.0/quotas/:project', async (c) =>
    c.json({ quota: updateQuota(s, callerOf(c), c.req.param('project'), await jsonBody(c)) }),
  );
  app.delete('/v2.0/quotas/:project', (c) => {
    resetQuota(s, callerOf(c), c.req.param('project'));
    return c.body(null, 204);
  });
  return app;
}
