import { Hono } from 'hono';
import { z } from 'zod';
import { ApiError, notFound } from '../lib/api-error';
import { holdsPart } from '../lib/list-filters';
import { pageOf, pageQuery } from '../lib/pagination';
import { queryParams } from '../lib/validate';
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

/** What the sinks received, newest first, secrets masked. */
async function received(c: Ctx): Promise<SinkJson> {
  const r = await viewer(c, 'GET');
  if (!r.ok) throw new ApiError(503, 'unavailable', `the embedded sinks viewer answered ${r.status}`);
  const data = (await r.json()) as SinkJson;
  return {
    mail: data.mail.map((m) => ({ ...m, subject: maskSecrets(m.subject), text: maskSecrets(m.text) })),
    sms: data.sms.map((m) => ({ ...m, body: maskSecrets(m.body) })),
  };
}

sinksRouter.get('/messages', async (c) => c.json(await received(c)));

// One sink's messages as a page: `to` part of a recipient, `q` part of the subject or text (mail) or body (SMS).
const part = z.string().trim().min(1).max(200);
const sinkQuery = pageQuery.extend({ to: part.optional(), q: part.optional() }).strict();

sinksRouter.get('/mail', async (c) => {
  const q = queryParams(c, sinkQuery);
  const { mail } = await received(c);
  const to = (m: SinkJson['mail'][number]) => ((m.to as string[] | undefined) ?? []).join(', ');
  const matched = mail.filter(
    (m) => holdsPart(to(m), q.to) && (holdsPart(m.subject, q.q) || (!!q.q && holdsPart(m.text, q.q))),
  );
  return c.json(pageOf(matched, q));
});

sinksRouter.get('/sms', async (c) => {
  const q = queryParams(c, sinkQuery);
  const { sms } = await received(c);
  const matched = sms.filter((m) => holdsPart(m.to as string, q.to) && holdsPart(m.body, q.q));
  return c.json(pageOf(matched, q));
});

sinksRouter.delete('/messages', async (c) => {
  const r = await viewer(c, 'DELETE');
  if (!r.ok) throw new ApiError(503, 'unavailable', `the embedded sinks viewer answered ${r.status}`);
  return c.body(null, 204);
});
