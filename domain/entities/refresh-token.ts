import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * A refresh token; only its SHA-256 is stored. Every rotation of a login's token stays in one family
 * (`familyId`, the first token's id) sharing the login's absolute end (`sessionExpiresAt`).
 */
export class RefreshToken {
  id: string = randomUUID();
  userId!: string;
  tokenHash!: string;
  familyId!: string;
  /** The token's own end (idle lifetime), never after `sessionExpiresAt`. */
  expiresAt!: Date;
  /** The absolute end of the login this token descends from: rotations keep it. */
  sessionExpiresAt!: Date;
  revokedAt?: Date | null;
  createdAt: Date = new Date();
}

export const RefreshTokenSchema = new EntitySchema<RefreshToken>({
  class: RefreshToken,
  tableName: 'refresh_tokens',
  properties: {
    id: { type: 'string', length: 36, primary: true },
    userId: { type: 'string', length: 36, index: true },
    tokenHash: { type: 'string', length: 64, unique: true },
    familyId: { type: 'string', length: 36, index: true },
    expiresAt: { type: 'datetime' },
    sessionExpiresAt: { type: 'datetime' },
    revokedAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
  },
});
