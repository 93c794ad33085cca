import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import { createMailer } from '../../activities/notify/mail';
import { User } from '../../domain/entities';
import { passwordProblems } from '../../domain/identity/password-policy';
import { processKeyring } from '../../domain/secrets/config-keys';
import { open, seal } from '../../domain/secrets/keyring';
import { unprocessable } from '../lib/api-error';
import type { AppDeps } from '../deps';
import { hashPassword } from './passwords';
import type { RegistrationRequest } from './registration';

/** How long a registration's verification link works. */
export const verificationTtlMs = 24 * 3600 * 1000;

/** What a verification link carries (sealed: the password only as its hash, nothing readable). */
const sealedRegistration = z.object({
  email: z.string(),
  displayName: z.string(),
  tenantName: z.string(),
  phone: z.string().optional(),
  passwordHash: z.string(),
  exp: z.number(),
});
export type VerifiedRegistration = Omit<z.infer<typeof sealedRegistration>, 'exp'>;

/** The registration sealed with the platform's current key: `<key id>.<base64url>`, valid until `exp`. */
function registrationToken(r: VerifiedRegistration): string {
  const { keyId, data } = seal(
    processKeyring(),
    Buffer.from(JSON.stringify({ ...r, exp: Date.now() + verificationTtlMs })),
  );
  return `${keyId}.${data.toString('base64url')}`;
}

/** The registration a verification link's token carries, or null when it is not one of ours or has expired. */
export function openRegistrationToken(token: string): VerifiedRegistration | null {
  const at = token.indexOf('.');
  if (at < 1) return null;
  try {
    const plain = open(processKeyring(), token.slice(0, at), Buffer.from(token.slice(at + 1), 'base64url'));
    const { exp, ...r } = sealedRegistration.parse(JSON.parse(plain.toString('utf8')));
    return exp > Date.now() ? r : null;
  } catch {
    return null;
  }
}

/**
 * The first step of a self-registration, answered the same whether the address has an account or not: the
 * password is checked against the policy and hashed either way, then a mail goes out in the background (so
 * neither the answer nor its timing tells): to a new address a link that completes the registration
 * (POST /auth/register/verify), to a known one a note that it has an account, with the way to a password reset.
 */
export async function requestRegistration(em: EntityManager, deps: AppDeps, req: RegistrationRequest): Promise<void> {
  const email = req.email.toLowerCase();
  const problems = passwordProblems(req.password, { minLength: deps.config.PASSWORD_MIN_LENGTH }, email);
  if (problems.length)
    throw unprocessable(
      'password does not meet the policy',
      problems.map((m) => ({ path: 'password', message: m })),
    );
  const passwordHash = await hashPassword(req.password);
  const known = await em.findOne(User, { email });
  const base = deps.config.publicUrl;
  const text = known
    ? [
        `Hello ${known.displayName},`,
        '',
        'Somebody (hopefully you) tried to register with this address, but it already has an account.',
        `Sign in at ${base}/ or, if you forgot your password, ask for a reset here:`,
        `${base}/#forgot-password`,
        '',
        'If this was not you, ignore this mail: nothing has changed.',
      ]
    : [
        `Hello ${req.displayName},`,
        '',
        `To complete the registration of ${req.tenantName}, open this link within ${verificationTtlMs / 3600_000} hours:`,
        `${base}/#register?verify=${encodeURIComponent(
          registrationToken({
            email,
            displayName: req.displayName,
            tenantName: req.tenantName,
            phone: req.phone,
            passwordHash,
          }),
        )}`,
        '',
        'If you did not register, ignore this mail: no account is made without the link.',
      ];
  const mailer = createMailer(deps.config.SMTP_URL, deps.config.MAIL_FROM);
  mailer
    .send({
      to: email,
      subject: known ? 'Your CMP registration' : 'Confirm your CMP registration',
      text: text.join('\n'),
    })
    .catch((err) => deps.logger.warn({ err: (err as Error).message }, 'registration mail not sent'))
    .finally(() => mailer.close());
}
