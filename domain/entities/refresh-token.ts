import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** A refresh token; only its SHA-256 is stored. */
export class RefreshToken {
  id: string = randomUUID();
  userId!: string;
  tokenHash!: string;
  expiresAt!: Date;
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
    expiresAt: { type: 'datetime' },
    revokedAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
  },
});
