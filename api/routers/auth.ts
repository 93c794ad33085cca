import { Hono } from 'hono';
import { z } from 'zod';
import { RefreshToken, Tenant, User } from '../../domain/entities';
import { ApiError, forbidden, unauthorized, unprocessable } from '../lib/api-error';
import { principalOf } from '../lib/principal';
import { requestBody } from '../lib/request-schemas';
import { jsonBody } from '../lib/validate';
import { requireAuth } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { checkCaptcha, issueCaptcha } from '../services/captcha';
import { readSettings } from '../services/settings';
import { dummyPasswordHash, verifyPassword } from '../services/passwords';
import { registrationWorkflow, registrationWorkflowId } from '../../workflows/registration';
import { profileMissing } from '../../domain/identity/profile';
import { forgetRegistration, register, registrationExpiryMs, type RegistrationRequest } from '../services/registration';
import {
  openRegistrationToken,
  requestRegistration,
  type VerifiedRegistration,
} from '../services/registration-verification';
import { claimLoginAttempt, clearLoginFailures, lockPolicy, recordFailedLogin } from '../services/login-failures';
import { enforceRateLimit, hit } from '../services/rate-limits';
import { openSession, rotateSession } from '../services/sessions';
import { hashToken } from '../services/tokens';
import {
  mailPasswordReset,
  newPasswordHash,
  profileBody,
  redeemPasswordReset,
  refuseClearingRequired,
  revokeSessions,
} from '../services/accounts';

/** Sent when the captcha setting is on (from GET /auth/captcha). */
const captchaFields = { captchaId: z.string().max(64).optional(), captchaAnswer: z.string().max(32).optional() };
const registerBody = requestBody(
  'POST /api/v1/auth/register',
  z
    .object({
      email: z.string().email().max(254),
      password: z.string().min(1).max(256),
      displayName: z.string().min(1).max(120),
      tenantName: z
        .string()
        .regex(
          /^[A-Za-z0-9][A-Za-z0-9 ._-]{1,118}$/,
          'letters, digits, space, dot, dash, underscore; 2-120 characters',
        ),
      phone: z
        .string()
        .regex(/^\+[1-9]\d{6,14}$/, 'E.164 number like +15551234567')
        .optional(),
      ...captchaFields,
    })
    .strict(),
);
const loginBody = requestBody(
  'POST /api/v1/auth/login',
  z.object({ email: z.string().email().max(254), password: z.string().min(1).max(256), ...captchaFields }).strict(),
);
const refreshBody = requestBody(
  'POST /api/v1/auth/refresh',
  z.object({ refreshToken: z.string().min(10).max(200) }).strict(),
);
requestBody('PATCH /api/v1/auth/me', profileBody);

export const authRouter = new Hono<AppEnv>();
/** Answers carrying tokens or account data are never stored by a browser or proxy (RFC 6749 §5.1). */
authRouter.use('*', async (c, next) => {
  c.header('Cache-Control', 'no-store');
  await next();
});

/** Whether the captcha setting is on; then the request's captcha must be right (spent either way). */
async function captchaGate(c: Ctx, body: { captchaId?: string; captchaAnswer?: string }): Promise<void> {
  if ((await readSettings(c.get('em'), c.get('deps').config)).captchaEnabled) await checkCaptcha(c.get('em'), body);
}

authRouter.get('/captcha', async (c) => {
  const settings = await readSettings(c.get('em'), c.get('deps').config);
  return c.json({
    ...(await issueCaptcha(c.get('em'), settings.captchaTtlSeconds)),
    required: settings.captchaEnabled,
  });
});

authRouter.post('/register', async (c) => {
  const { captchaId, captchaAnswer, ...body } = await jsonBody(c, registerBody);
  const deps = c.get('deps');
  c.set('audit', { action: 'auth.register', targetType: 'user', actorEmail: body.email.toLowerCase() });
  await enforceRateLimit(c, 'register', body.email);
  await captchaGate(c, { captchaId, captchaAnswer });
  if (deps.config.REGISTRATION_EMAIL_VERIFICATION) {
    // The same answer for a known address and a new one: what happens next is in the mail.
    await requestRegistration(c.get('em'), deps, body);
    return c.json({ status: 'verification_sent' as const }, 202);
  }
  return createRegistration(c, body);
});

const verifyBody = z.object({ token: z.string().min(10).max(4000) }).strict();

/** The registration mail's link: makes the tenant and its admin as registration without verification does. */
authRouter.post('/register/verify', async (c) => {
  const { token } = await jsonBody(c, verifyBody);
  c.set('audit', { action: 'auth.register', targetType: 'user' });
  // Per address: guessing links is limited like registering (the link's own address has had its share).
  await enforceRateLimit(c, 'register', null, ['address']);
  const req = openRegistrationToken(token);
  if (!req)
    throw unprocessable('the registration link is not valid (unknown or expired)', [
      { path: 'token', message: 'invalid' },
    ]);
  c.set('audit', { action: 'auth.register', targetType: 'user', actorEmail: req.email });
  return createRegistration(c, req);
});

/** Creates the account and, when operators approve registrations, its `registration-<userId>` workflow. */
async function createRegistration(c: Ctx, body: RegistrationRequest | VerifiedRegistration) {
  const deps = c.get('deps');
  const { user, tenant, needsApproval } = await register(c.get('em'), deps, body);
  c.set('audit', {
    action: 'auth.register',
    targetType: 'user',
    targetId: user.id,
    tenantId: tenant.id,
    actorEmail: user.email,
  });
  if (needsApproval) {
    try {
      await deps.temporal.workflow.start(registrationWorkflow, {
        workflowId: registrationWorkflowId(user.id),
        taskQueue: deps.queues.orchestration,
        args: [{ userId: user.id, tenantId: tenant.id, email: user.email, expiresInMs: registrationExpiryMs }],
      });
    } catch (err) {
      // Without its workflow nobody could ever decide on the account: undo it so the user can retry.
      await forgetRegistration(c.get('em'), user, tenant);
      throw err;
    }
  }
  return c.json({ userId: user.id, tenantId: tenant.id, status: user.status }, needsApproval ? 202 : 201);
}

/** The one answer to a locked account, and to an e-mail nobody has that is guessed as often. */
function accountLocked(c: Ctx, lockoutSeconds: number): ApiError {
  c.header('Retry-After', String(lockoutSeconds));
  return new ApiError(429, 'account_locked', 'too many failed logins; try again later', {
    retryAfterSeconds: lockoutSeconds,
  });
}

authRouter.post('/login', async (c) => {
  const body = await jsonBody(c, loginBody);
  const deps = c.get('deps');
  const em = c.get('em');
  const email = body.email.toLowerCase();
  c.set('audit', { action: 'auth.login', actorEmail: email, targetType: 'user' });
  await enforceRateLimit(c, 'login', email);
  await captchaGate(c, body);
  const policy = lockPolicy(deps.config);
  const user = await em.findOne(User, { email });
  if (!user) {
    // An unknown e-mail is answered like a known one: wrong password, then locked after as many guesses.
    const guessed = !(await hit(em, `login-failures:${email}`, {
      requests: policy.maxFailures,
      seconds: deps.config.LOGIN_LOCKOUT_SECONDS,
    }));
    if (guessed) throw accountLocked(c, deps.config.LOGIN_LOCKOUT_SECONDS);
    await verifyPassword(await dummyPasswordHash(), body.password);
    throw unauthorized('wrong e-mail or password');
  }
  c.set('audit', {
    action: 'auth.login',
    actorEmail: email,
    targetType: 'user',
    targetId: user.id,
    tenantId: user.tenantId ?? null,
  });
  if (!(await claimLoginAttempt(em, user.id, policy))) throw accountLocked(c, deps.config.LOGIN_LOCKOUT_SECONDS);
  if (!(await verifyPassword(user.passwordHash, body.password))) {
    await recordFailedLogin(em, user.id, policy);
    throw unauthorized('wrong e-mail or password');
  }
  await clearLoginFailures(em, user.id, new Date());
  if (user.status !== 'active')
    throw forbidden(user.status === 'pending' ? 'account is waiting for approval' : `account is ${user.status}`);
  if (user.tenantId) {
    const tenant = await em.findOne(Tenant, { id: user.tenantId });
    if (tenant?.status !== 'active') throw forbidden(`tenant is ${tenant?.status ?? 'gone'}`);
  }
  return c.json(await openSession(em, deps, user.id));
});

authRouter.post('/refresh', async (c) => {
  const body = await jsonBody(c, refreshBody);
  const em = c.get('em');
  c.set('audit', { action: 'auth.refresh' });
  await enforceRateLimit(c, 'refresh');
  const owner = await em.findOne(RefreshToken, { tokenHash: hashToken(body.refreshToken) });
  if (owner) await enforceRateLimit(c, 'refresh', `user:${owner.userId}`, ['account']);
  let user: User | null = null;
  const pair = await rotateSession(em, c.get('deps'), body.refreshToken, async (userId) => {
    user = await em.findOne(User, { id: userId });
    return user?.status === 'active';
  });
  const u = user as unknown as User;
  c.set('audit', {
    action: 'auth.refresh',
    actorEmail: u.email,
    targetType: 'user',
    targetId: u.id,
    tenantId: u.tenantId ?? null,
  });
  const { userId: _u, ...tokens } = pair;
  return c.json(tokens);
});

authRouter.post('/logout', requireAuth, async (c) => {
  const em = c.get('em');
  const session = await em.findOne(RefreshToken, { id: c.get('sessionId')! });
  if (session && !session.revokedAt) {
    session.revokedAt = new Date();
    await em.flush();
  }
  c.set('audit', { action: 'auth.logout', targetType: 'user', targetId: principalOf(c).userId });
  return c.body(null, 204);
});

async function me(c: Ctx) {
  const p = principalOf(c);
  const user = await c.get('em').findOneOrFail(User, { id: p.userId });
  const { profileRequiredFields } = await readSettings(c.get('em'), c.get('deps').config);
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    phone: user.phone ?? null,
    department: user.department ?? null,
    companyName: user.companyName ?? null,
    companyAddress: user.companyAddress ?? null,
    tenantId: user.tenantId ?? null,
    roles: p.roles,
    permissions: [...p.permissions].sort(),
    profileRequired: profileRequiredFields,
    profileMissing: profileMissing(user, profileRequiredFields),
  };
}

authRouter.get('/me', requireAuth, async (c) => c.json(await me(c)));

/** The user completes his own profile: contact phone, department, company; a required field cannot be cleared. */
authRouter.patch('/me', requireAuth, async (c) => {
  c.set('audit', { action: 'auth.profile', targetType: 'user', targetId: principalOf(c).userId });
  const body = await jsonBody(c, profileBody);
  await refuseClearingRequired(c.get('em'), c.get('deps').config, body);
  const user = await c.get('em').findOneOrFail(User, { id: principalOf(c).userId });
  Object.assign(user, body);
  await c.get('em').flush();
  c.set('audit', {
    action: 'auth.profile',
    targetType: 'user',
    targetId: user.id,
    details: { fields: Object.keys(body) },
  });
  return c.json(await me(c));
});

const passwordBody = requestBody(
  'POST /api/v1/auth/password',
  z.object({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) }).strict(),
);
const resetRequestBody = requestBody(
  'POST /api/v1/auth/password-reset',
  z.object({ email: z.string().email().max(254) }).strict(),
);
const resetConfirmBody = requestBody(
  'POST /api/v1/auth/password-reset/confirm',
  z.object({ token: z.string().min(10).max(200), newPassword: z.string().min(1).max(256) }).strict(),
);

/** Changes the caller's password (his current one required); his other sessions end. */
authRouter.post('/password', requireAuth, async (c) => {
  const p = principalOf(c);
  c.set('audit', { action: 'auth.password_change', targetType: 'user', targetId: p.userId });
  const body = await jsonBody(c, passwordBody);
  const em = c.get('em');
  const user = await em.findOneOrFail(User, { id: p.userId });
  // Guessing the current password (with a stolen access token) counts against the same lock as logins.
  const deps = c.get('deps');
  const policy = lockPolicy(deps.config);
  if (!(await claimLoginAttempt(em, user.id, policy))) throw accountLocked(c, deps.config.LOGIN_LOCKOUT_SECONDS);
  if (!(await verifyPassword(user.passwordHash, body.currentPassword))) {
    await recordFailedLogin(em, user.id, policy);
    throw unprocessable('the current password is wrong', [{ path: 'currentPassword', message: 'wrong password' }]);
  }
  await clearLoginFailures(em, user.id);
  user.passwordHash = await newPasswordHash(c.get('deps'), user, body.newPassword);
  await em.flush();
  await revokeSessions(em, user.id, c.get('sessionId'));
  return c.body(null, 204);
});

/** Mails a reset link when the account exists; the answer is the same either way. */
authRouter.post('/password-reset', async (c) => {
  const { email } = await jsonBody(c, resetRequestBody);
  const deps = c.get('deps');
  c.set('audit', { action: 'auth.password_reset_request', targetType: 'user', actorEmail: email.toLowerCase() });
  await enforceRateLimit(c, 'reset', email);
  const em = deps.orm.em.fork();
  const user = await em.findOne(User, {
    email: email.toLowerCase(),
    status: { $in: ['active', 'suspended', 'disabled'] },
  });
  // Mailed in the background, so neither the answer nor its timing tells whether the account exists.
  if (user)
    mailPasswordReset(em, deps, user, null).catch((err) =>
      deps.logger.warn({ userId: user.id, err: (err as Error).message }, 'password reset mail not sent'),
    );
  return c.json({ accepted: true }, 202);
});

/** Sets a new password with a reset link's token: it works once, before it expires; every session ends. */
authRouter.post('/password-reset/confirm', async (c) => {
  c.set('audit', { action: 'auth.password_reset', targetType: 'user' });
  const body = await jsonBody(c, resetConfirmBody);
  const user = await redeemPasswordReset(c.get('em'), c.get('deps'), body.token, body.newPassword);
  if (!user)
    throw unprocessable('the reset link is not valid (unknown, used or expired)', [
      { path: 'token', message: 'invalid' },
    ]);
  c.set('audit', {
    action: 'auth.password_reset',
    targetType: 'user',
    targetId: user.id,
    tenantId: user.tenantId ?? null,
    actorEmail: user.email,
  });
  return c.body(null, 204);
});
