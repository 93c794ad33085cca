/**
 * Polls `fn` every `everyMs` until `ok` holds for its value, for at most `ms`; answers the last value
 * either way, so the test's own expectation says what was wrong.
 */
export async function eventually<T>(
  fn: () => Promise<T> | T,
  ok: (v: T) => boolean,
  ms = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** As `eventually`, but a timeout throws, naming `what` and the last value. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T> | T,
  ok: (v: T) => boolean,
  ms = 20_000,
  everyMs = 100,
): Promise<T> {
  const v = await eventually(fn, ok, ms, everyMs);
  if (!ok(v)) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)?.slice(0, 2000)}`);
  return v;
}
