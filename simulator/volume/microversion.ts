import type { Context } from 'hono';
import { SimHttpError } from '../core/errors';

export const MIN_VERSION = '3.0';
export const MAX_VERSION = '3.70';

/** Microversion as a comparable number pair, e.g. 3.27 → [3, 27]. */
export type Microversion = [number, number];

export const atLeast = (v: Microversion, minor: number): boolean => v[1] >= minor;

/**
 * Reads `OpenStack-API-Version: volume 3.x` (or the legacy `X-OpenStack-Volume-API-Version`), answers
 * the chosen version in the response headers as Cinder does, and refuses versions outside 3.0–3.70.
 */
export function negotiate(c: Context): Microversion {
  const header = c.req.header('openstack-api-version');
  let raw = c.req.header('x-openstack-volume-api-version');
  if (header) {
    const m = /(?:^|,)\s*volume\s+([^,\s]+)/i.exec(header);
    if (m) raw = m[1];
  }
  let v: Microversion = [3, 0];
  if (raw && raw.toLowerCase() === 'latest') v = [3, 70];
  else if (raw) {
    const m = /^(\d+)\.(\d+)$/.exec(raw.trim());
    if (!m)
      throw new SimHttpError(400, { badRequest: { code: 400, message: `Invalid API version request string ${raw}.` } });
    v = [Number(m[1]), Number(m[2])];
    if (v[0] !== 3 || v[1] > 70) {
      throw new SimHttpError(406, {
        computeFault: {
          code: 406,
          message: `Version ${raw} is not supported by the API. Minimum is ${MIN_VERSION} and maximum is ${MAX_VERSION}.`,
        },
      });
    }
  }
  c.header('OpenStack-API-Version', `volume ${v[0]}.${v[1]}`);
  c.header('Vary', 'OpenStack-API-Version');
  return v;
}
