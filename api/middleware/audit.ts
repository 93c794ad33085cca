import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import type { AppEnv } from '../deps';
import { writeAudit } from '../../domain/db/audit-writer';
import { clientAddress } from '../lib/client-address';

const changing = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Writes one audit entry for every state-changing request, whatever its outcome. Handlers name the
 * action and target through `c.get('audit')`; otherwise the route pattern is the action.
 */
export const audit = createMiddleware<AppEnv>(async (c, next) => {
  if (!changing.has(c.req.method)) return next();
  let thrown: unknown;
  try {
    await next();
  } catch (e) {
    thrown = e;
  }
  const note = c.get('audit');
  const status = thrown ? undefined : c.res.status;
  const principal = c.get('principal');
  await writeAudit(c.get('deps').orm, {
    action: note.action ?? `${c.req.method} ${routePath(c)}`,
    actorId: principal?.userId ?? null,
    actorEmail: principal?.email ?? note.actorEmail ?? null,
    tenantId: note.tenantId !== undefined ? note.tenantId : (principal?.tenantId ?? null),
    targetType: note.targetType ?? null,
    targetId: note.targetId ?? null,
    result:
      status === undefined
        ? 'failure'
        : status < 400
          ? 'success'
          : status === 401 || status === 403
            ? 'denied'
            : 'failure',
    statusCode: status ?? null,
    clientIp: clientAddress(c),
    requestId: c.get('requestId'),
    details: note.details ?? null,
  }).catch((err) => c.get('deps').logger.error({ err }, 'audit write failed'));
  if (thrown) throw thrown;
});
