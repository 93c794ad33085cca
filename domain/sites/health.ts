/** What a published site must answer before it is reported live. */
export interface HealthExpectation {
  path: string;
  status: number;
  /** Text the body must contain. */
  text?: string | null;
}

export const defaultHealth: HealthExpectation = { path: '/', status: 200, text: null };

/** How often a live site's process checks its health unless configured otherwise. */
export const defaultHealthCheckIntervalMs = 5 * 60_000;

/** Why an answer does not meet the expectation, or null when it does. */
export function healthProblem(expect: HealthExpectation, got: { status: number; body: string }): string | null {
  if (got.status !== expect.status) return `GET ${expect.path} answered ${got.status}, expected ${expect.status}`;
  if (expect.text && !got.body.includes(expect.text))
    return `GET ${expect.path} answered ${got.status} without the expected text ${JSON.stringify(expect.text)}`;
  return null;
}
