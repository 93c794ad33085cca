import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import {
  CloudResource,
  PasswordResetToken,
  RefreshToken,
  RoleAssignment,
  Tenant,
  User,
  type UserStatus,
} from '../../domain/entities';
import { passwordProblems } from '../../domain/identity/password-policy';
import { filled } from '../../domain/identity/profile';
import { createMailer } from '../../activities/notify/mail';
import { conflict, unprocessable } from '../lib/api-error';
import type { AppDeps } from '../deps';
import { accountReleaseWorkflow, accountReleaseWorkflowId } from '../../workflows/account-release';
import { hashPassword } from './passwords';
import { readSettings } from './settings';
import { hashToken, newRefreshToken } from './tokens';

/** What a user completes of his profile (and staff change): name, contact phone, department, company. */
export const profileBody = z
  .object({
    displayName: z.string().trim().min(1).max(120),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'E.164 number like +15551234567')
      .nullable(),
    department: z.string().trim().max(120).nullable(),
    companyName: z.string().trim().max(200).nullable(),
    companyAddress: z.string().trim().max(500).nullable(),
  })
  .partial()
  .strict();

/**
 * Refuses a profile change (the user's own or staff's) that clears a field the profileRequiredFields setting makes
 * required: a 422 naming each such field (null or blanks count as cleared).
 */
export async function refuseClearingRequired(
  em: EntityManager,
  config: AppDeps['config'],
  body: z.infer<typeof profileBody>,
): Promise<void> {
  const { profileRequiredFields } = await readSettings(em, config);
  const cleared = profileRequiredFields.filter((f) => f in body && !filled(body[f]));
  if (cleared.length)
    throw unprocessable(
      `required profile fields cannot be cleared: ${cleared.join(', ')}`,
      cleared.map((f) => ({ path: f, message: 'required' })),
    );
}

/** Ends every session of the user (all, or all but `keep`): his access tokens stop working at once. */
export async function revokeSessions(em: EntityManager, userId: string, keep?: string): Promise<number> {
  return em.nativeUpdate(
    RefreshToken,
    { userId, revokedAt: null, ...(keep ? { id: { $ne: keep } } : {}) },
    { revokedAt: new Date() },
  );
}

/** A new password must meet the policy (422 naming the reasons). */
export async function newPasswordHash(deps: AppDeps, user: User, password: string): Promise<string> {
  const problems = passwordProblems(password, { minLength: deps.config.PASSWORD_MIN_LENGTH }, user.email);
  if (problems.length)
    throw unprocessable(
      'password does not meet the policy',
      problems.map((m) => ({ path: 'newPassword', message: m })),
    );
  return hashPassword(password);
}

/**
 * Makes a single-use reset token (only its hash stored; earlier unused ones of the user spent) and mails
 * the user a link holding it. Answers when the link expires; throws when the mail could not be sent.
 */
export async function mailPasswordReset(
  em: EntityManager,
  deps: AppDeps,
  user: User,
  requestedBy: string | null,
): Promise<Date> {
  const { passwordResetTtlSeconds } = await readSettings(em, deps.config);
  const { token, hash } = newRefreshToken();
  const now = new Date();
  await em.nativeUpdate(PasswordResetToken, { userId: user.id, usedAt: null }, { usedAt: now });
  const row = Object.assign(new PasswordResetToken(), {
    userId: user.id,
    tokenHash: hash,
    requestedBy,
    expiresAt: new Date(now.getTime() + passwordResetTtlSeconds * 1000),
  });
  em.persist(row);
  await em.flush();
  const link = `${deps.config.publicUrl}/#reset-password?token=${encodeURIComponent(token)}`;
  const mailer = createMailer(deps.config.SMTP_URL, deps.config.MAIL_FROM);
  try {
    await mailer.send({
      to: user.email,
      subject: 'Reset your CMP password',
      text: [
        `Hello ${user.displayName},`,
        '',
        requestedBy
          ? 'An administrator started a password reset for your account.'
          : 'Somebody (hopefully you) asked to reset the password of your account.',
        `Choose a new password here within ${Math.round(passwordResetTtlSeconds / 60)} minutes; the link works once:`,
        link,
        '',
        'If you did not ask for this, ignore this mail: your password stays as it is.',
      ].join('\n'),
    });
  } finally {
    mailer.close();
  }
  return row.expiresAt;
}

/** Spends a reset token (atomically: of two uses exactly one wins) and sets the new password; null when the token is unknown, used or expired. */
export async function redeemPasswordReset(
  em: EntityManager,
  deps: AppDeps,
  token: string,
  password: string,
): Promise<User | null> {
  const row = await em.findOne(PasswordResetToken, { tokenHash: hashToken(token) });
  if (!row || row.usedAt || row.expiresAt.getTime() <= Date.now()) return null;
  const user = await em.findOne(User, { id: row.userId });
  if (!user || user.status === 'deregistered') return null;
  const passwordHash = await newPasswordHash(deps, user, password);
  const spent = await em.nativeUpdate(PasswordResetToken, { id: row.id, usedAt: null }, { usedAt: new Date() });
  if (spent !== 1) return null;
  await em.nativeUpdate(
    User,
    { id: user.id },
    { passwordHash, failedLogins: 0, lockedUntil: null, updatedAt: new Date() },
  );
  await revokeSessions(em, user.id);
  return user;
}

/** A tenant's live cloud resources, which a deregistration must not leave without an owner. */
async function liveResources(em: EntityManager, tenantId: string) {
  return em.find(
    CloudResource,
    { tenantId, status: { $nin: ['deleted', 'missing'] } },
    { orderBy: { createdAt: 'asc' }, limit: 200 },
  );
}

/** A deregistration done at once, or one whose resources are being released by `deregister-<userId>` first. */
export type Deregistration = { status: 'deregistered' } | { status: 'releasing'; workflowId: string };

/**
 * Deregisters the account: kept for audit with status `deregistered`, sessions revoked, login refused.
 * The last active user of a tenant still holding cloud resources is refused (409 listing them) unless
 * `release` is given: then he is suspended at once and the `deregister-<userId>` workflow deletes the
 * resources, each through its own process, and deregisters him (or leaves him suspended, naming what is left).
 */
export async function deregister(
  em: EntityManager,
  user: User,
  release?: { deps: AppDeps; requestedBy: string },
): Promise<Deregistration> {
  if (user.tenantId) {
    const others = await em.count(User, { tenantId: user.tenantId, status: 'active', id: { $ne: user.id } });
    if (!others) {
      const resources = await liveResources(em, user.tenantId);
      if (resources.length && !release) {
        throw conflict(
          `the account still owns ${resources.length} cloud resource(s); delete them first, or ask with releaseResources: true to have them deleted`,
          { resources: resources.map((r) => ({ id: r.id, kind: r.kind, name: r.name, status: r.status })) },
        );
      }
      if (resources.length && release) {
        await setStatus(em, user, 'suspended');
        const { deps, requestedBy } = release;
        const tenant = await em.findOne(Tenant, { id: user.tenantId });
        const workflowId = accountReleaseWorkflowId(user.id);
        await deps.temporal.workflow.start(accountReleaseWorkflow, {
          workflowId,
          taskQueue: deps.queues.orchestration,
          // Asking again while the release runs is the same release.
          workflowIdConflictPolicy: 'USE_EXISTING',
          args: [
            {
              userId: user.id,
              tenantId: user.tenantId,
              projectId: tenant?.openstackProjectId ?? null,
              requestedBy,
              server: {
                idleTimeoutMs: deps.config.INSTANCE_WORKFLOW_IDLE_SECONDS * 1000,
                resizeConfirmMs: deps.config.INSTANCE_RESIZE_CONFIRM_SECONDS * 1000,
                actionsPerRun: deps.config.INSTANCE_WORKFLOW_ACTIONS_PER_RUN,
              },
            },
          ],
        });
        return { status: 'releasing', workflowId };
      }
    }
  }
  await setStatus(em, user, 'deregistered');
  return { status: 'deregistered' };
}

/** Sets the status; any status but active ends the user's sessions at once. */
export async function setStatus(
  em: EntityManager,
  user: User,
  status: Extract<UserStatus, 'active' | 'suspended' | 'deregistered'>,
): Promise<void> {
  user.status = status;
  user.deregisteredAt = status === 'deregistered' ? new Date() : null;
  if (status !== 'active') await revokeSessions(em, user.id);
  await em.flush();
}

/** The roles of each of these users. */
export async function rolesOf(em: EntityManager, userIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(userIds.map((id) => [id, []]));
  for (const a of await em.find(RoleAssignment, { userId: { $in: userIds } })) out.get(a.userId)?.push(a.role);
  return out;
}
