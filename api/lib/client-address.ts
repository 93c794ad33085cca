import { getConnInfo } from '@hono/node-server/conninfo';
import type { Ctx } from '../deps';

/** The peer address of the request's connection; null when there is none (a request made in-process). */
export function clientAddress(c: Ctx): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}
