import { EntitySchema } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** A captcha handed out for a login or registration: its answer hashed, spent on first use, expiring. */
export class CaptchaChallenge {
  id: string = randomUUID();
  answerHash!: string;
  expiresAt!: Date;
  usedAt?: Date | null;
  createdAt: Date = new Date();
}

export const CaptchaChallengeSchema = new EntitySchema<CaptchaChallenge>({
  class: CaptchaChallenge,
  tableName: 'captcha_challenges',
  properties: {
    id: { type: 'string', length: 36, primary: true },
    answerHash: { type: 'string', length: 64 },
    expiresAt: { type: 'datetime', index: true },
    usedAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
  },
});
