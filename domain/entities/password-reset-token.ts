import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** A password reset link's token; only its SHA-256 is stored, it works once and expires. */
export class PasswordResetToken {
  id: string = randomUUID();
  userId!: string;
  tokenHash!: string;
  expiresAt!: Date;
  usedAt?: Date | null;
  /** The staff member who reset the password, or null when the user asked himself. */
  requestedBy?: string | null;
  createdAt: Date = new Date();
}

export const PasswordResetTokenSchema = new EntitySchema<PasswordResetToken>({
  class: PasswordResetToken,
  tableName: 'password_reset_tokens',
  properties: {
    id: { type: 'string', length: 36, primary: true },
    userId: { type: 'string', length: 36, index: true },
    tokenHash: { type: 'string', length: 64, unique: true },
    expiresAt: { type: 'datetime' },
    usedAt: { type: 'datetime', nullable: true },
    requestedBy: { type: 'string', length: 36, nullable: true },
    createdAt: { type: 'datetime' },
  },
});
