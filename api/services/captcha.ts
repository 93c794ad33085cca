import type { EntityManager } from '@mikro-orm/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import svgCaptcha from 'svg-captcha';
import { CaptchaChallenge } from '../../domain/entities';
import { ApiError } from '../lib/api-error';

/** The answer is stored only as a hash salted with the challenge id, case-insensitively. */
function answerHash(id: string, answer: string): string {
  return createHash('sha256').update(`${id}:${answer.trim().toLowerCase()}`).digest('hex');
}

export interface IssuedCaptcha {
  captchaId: string;
  svg: string;
  expiresAt: string;
}

/** A new captcha image; its answer works once, within `ttlSeconds`. Long-expired challenges are swept. */
export async function issueCaptcha(em: EntityManager, ttlSeconds: number): Promise<IssuedCaptcha> {
  const now = Date.now();
  await em.nativeDelete(CaptchaChallenge, { expiresAt: { $lt: new Date(now - 3600_000) } });
  const image = svgCaptcha.create({ size: 5, noise: 2, ignoreChars: '0oO1ilI' });
  const challenge = Object.assign(new CaptchaChallenge(), { expiresAt: new Date(now + ttlSeconds * 1000) });
  challenge.answerHash = answerHash(challenge.id, image.text);
  em.persist(challenge);
  await em.flush();
  return { captchaId: challenge.id, svg: image.data, expiresAt: challenge.expiresAt.toISOString() };
}

/**
 * Spends the challenge (whatever the answer: a wrong guess uses it up too) and throws a 422 unless it
 * was unused, unexpired and answered right.
 */
export async function checkCaptcha(
  em: EntityManager,
  captcha: { captchaId?: string; captchaAnswer?: string },
): Promise<void> {
  if (!captcha.captchaId || !captcha.captchaAnswer) {
    throw new ApiError(
      422,
      'captcha_required',
      'a captcha is required: GET /api/v1/auth/captcha, then send captchaId and captchaAnswer',
      [{ path: 'captchaAnswer', message: 'required' }],
    );
  }
  const invalid = new ApiError(422, 'captcha_invalid', 'the captcha is wrong, used or expired; get a new one', [
    { path: 'captchaAnswer', message: 'invalid' },
  ]);
  if (!/^[0-9a-f-]{36}$/.test(captcha.captchaId)) throw invalid;
  const now = new Date();
  const spent = await em.nativeUpdate(
    CaptchaChallenge,
    { id: captcha.captchaId, usedAt: null, expiresAt: { $gt: now } },
    { usedAt: now },
  );
  if (spent !== 1) throw invalid;
  const row = await em.findOneOrFail(CaptchaChallenge, { id: captcha.captchaId }, { refresh: true });
  const given = Buffer.from(answerHash(row.id, captcha.captchaAnswer), 'hex');
  if (!timingSafeEqual(given, Buffer.from(row.answerHash, 'hex'))) throw invalid;
}
