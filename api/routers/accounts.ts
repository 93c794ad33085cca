import { Hono } from 'hono';
import { z } from 'zod';
import { User } from '../../domain/entities';
import { unprocessable } from '../lib/api-error';
import { principalOf } from '../lib/principal';
import { jsonBody } from '../lib/validate';
import { requireAuth } from '../middleware/authenticate';
import type { AppEnv } from '../deps';
import { deregister } from '../services/accounts';
import { verifyPassword } from '../services/passwords';
import { requestBody } from '../lib/request-schemas';

const deregisterBody = requestBody(
  'POST /api/v1/account/deregister',
  z
    .object({
      password: z.string().min(1).max(256),
      reason: z.string().max(500).optional(),
      releaseResources: z.boolean().optional(),
    })
    .strict(),
);

/** The caller's own account. */
export const accountsRouter = new Hono<AppEnv>();
accountsRouter.use('*', requireAuth);

/**
 * Deregisters the caller (his password confirms it): the account stays for audit as `deregistered`,
 * every session ends and login is refused. The tenant's last user still owning resources is refused (409 lists
 * them) unless he asks with `releaseResources`: then he is suspended at once and `deregister-<userId>` deletes them first.
 */
accountsRouter.post('/deregister', async (c) => {
  const p = principalOf(c);
  c.set('audit', { action: 'account.deregister', targetType: 'user', targetId: p.userId });
  const body = await jsonBody(c, deregisterBody);
  const em = c.get('em');
  const user = await em.findOneOrFail(User, { id: p.userId });
  if (!(await verifyPassword(user.passwordHash, body.password)))
    throw unprocessable('the password is wrong', [{ path: 'password', message: 'wrong password' }]);
  const done = await deregister(
    em,
    user,
    body.releaseResources ? { deps: c.get('deps'), requestedBy: user.id } : undefined,
  );
  c.set('audit', {
    action: 'account.deregister',
    targetType: 'user',
    targetId: user.id,
    details: { reason: body.reason ?? null, releaseResources: body.releaseResources ?? false },
  });
  if (done.status === 'releasing')
    return c.json(
      { id: user.id, status: 'releasing' as const, deregisteredAt: null, workflowId: done.workflowId },
      202,
    );
  return c.json({
    id: user.id,
    status: 'deregistered' as const,
    deregisteredAt: user.deregisteredAt!.toISOString(),
    workflowId: null,
  });
});
