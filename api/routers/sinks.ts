import { Hono } from 'hono';
import { ApiError, notFound } from '../lib/api-error';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';

/**
 * What the embedded mail and SMS sinks received (the launcher's viewer, `SINKS_VIEWER_URL`), for O&M staff in the
 * portal: a newcomer sees an alarm's mail and SMS without a real mail server. A platform that sends through a real
 * SMTP server and Twilio has no sinks, and this answers 404.
 */
export const sinksRouter = new Hono<AppEnv>();
sinksRouter.use('*', requireAuth, requirePermission('monitoring:read', 'oncall:manage'));

async function viewer(c: Ctx, method: 'GET' | 'DELETE'): Promise<Response> {
  const base = c.get('deps').config.SINKS_VIEWER_URL;
  if (!base) throw notFound('embedded mail and SMS sinks (the platform sends through SMTP_URL and Twilio)');
  try {
    return await fetch(new URL('/api/v1/messages', base), { method, signal: AbortSignal.timeout(3000) });
  } catch {
    throw new ApiError(503, 'unavailable', 'the embedded sinks viewer does not answer');
  }
}

/**
 * Single-use links (password reset) and passwords in a message are masked: O&M staff read alarm mails here, and must
 * not be able to take over an account by asking for its reset mail and reading the link.
 */
function maskSecrets(text: string): string {
  return text
    .replace(/([?&](?:token|code|key|secret|signature|password)=)[^&\s"'<>]+/gi, '$1[hidden]')
    .replace(/((?:password|passwort|密码)\s*[:：=]\s*)\S+/gi, '$1[hidden]');
}

interface SinkJson {
  mail: Array<{ subject: string; text: string } & Record<string, unknown>>;
  sms: Array<{ body: string } & Record<string, unknown>>;
}

sinksRouter.get('/messages', async (c) => {
  const r = await viewer(c, 'GET');
  if (!r.ok) throw new ApiError(503, 'unavailable', `the embedded sinks viewer answered ${r.status}`);
  const data = (await r.json()) as SinkJson;
  return c.json({
    mail: data.mail.map((m) => ({ ...m, subject: maskSecrets(m.subject), text: maskSecrets(m.text) })),
    sms: data.sms.map((m) => ({ ...m, body: maskSecrets(m.body) })),
  });
});

sinksRouter.delete('/messages', async (c) => {
  const r = await viewer(c, 'DELETE');
  if (!r.ok) throw new ApiError(503, 'unavailable', `the embedded sinks viewer answered ${r.status}`);
  return c.body(null, 204);
});
