import type { SimOptions } from '../core/options';
import { keystoneError } from '../core/errors';
import { unauthorized } from './errors';
import type { User } from './model';

/**
 * Keystone's [security_compliance] options: account lockout after failed password logins and the
 * password history a new password must differ from. Both are off unless configured (as in Keystone).
 */
export class SecurityCompliance {
  constructor(private readonly options: SimOptions) {}

  /** Checks a password login: a locked account is refused even with the right password; failures count towards a lock. */
  checkPassword(user: User, password: unknown): void {
    const { lockoutFailureAttempts: attempts, lockoutDurationMs: duration } = this.options;
    const lockout = attempts > 0 && duration > 0;
    if (lockout && user.lockedUntil !== undefined && user.lockedUntil > Date.now()) {
      throw keystoneError(401, 'Unauthorized', `The account is locked for user: ${user.id}.`);
    }
    if (typeof password === 'string' && password === user.password) {
      user.failedAuthCount = 0;
      user.lockedUntil = undefined;
      return;
    }
    if (lockout) {
      user.failedAuthCount = (user.failedAuthCount ?? 0) + 1;
      if (user.failedAuthCount >= attempts) {
        user.lockedUntil = Date.now() + duration;
        user.failedAuthCount = 0;
      }
    }
    throw unauthorized();
  }

  /** Refuses a new password among the last `uniqueLastPasswordCount` ones (the current included), then records it. */
  changePassword(user: User, next: string): void {
    const unique = this.options.uniqueLastPasswordCount;
    const history = [user.password, ...(user.passwordHistory ?? [])];
    if (unique > 0 && history.slice(0, unique).includes(next)) {
      throw keystoneError(
        400,
        'Bad Request',
        `The new password cannot be identical to a previous password. The total number which includes the new password must be unique is ${unique}.`,
      );
    }
    user.passwordHistory = history.slice(0, Math.max(unique - 1, 0));
  }
}
