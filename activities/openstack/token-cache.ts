import type { IssuedToken } from './auth';

/**
 * Tokens by credentials key, shared by every session of the same login in the process, so a
 * worker with many concurrent activities asks Keystone once. Concurrent callers share one
 * in-flight issue; a token is reissued `marginMs` before it expires.
 */
export class TokenCache {
  private readonly entries = new Map<string, Promise<IssuedToken>>();

  constructor(readonly marginMs = 120_000) {}

  async get(key: string, issue: () => Promise<IssuedToken>): Promise<IssuedToken> {
    const cached = this.entries.get(key);
    if (cached) {
      const token = await cached.catch(() => undefined);
      if (token && token.expiresAt.getTime() - Date.now() > this.marginMs) return token;
      if (this.entries.get(key) !== cached) return this.get(key, issue);
      this.entries.delete(key);
    }
    const pending = issue();
    this.entries.set(key, pending);
    pending.catch(() => {
      if (this.entries.get(key) === pending) this.entries.delete(key);
    });
    return pending;
  }

  /** Forgets `tokenValue` (after a 401) unless a newer token already replaced it. */
  async invalidate(key: string, tokenValue: string): Promise<void> {
    const cached = this.entries.get(key);
    if (!cached) return;
    const token = await cached.catch(() => undefined);
    if (!token || token.value === tokenValue) {
      if (this.entries.get(key) === cached) this.entries.delete(key);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The process-wide cache sessions use unless given their own. */
export const sharedTokenCache = new TokenCache();
