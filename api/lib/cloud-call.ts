import { OpenStackError, type OpenStackClient } from '../../activities/openstack';
import type { Ctx } from '../deps';
import { ApiError } from './api-error';

/** The API's admin view of the cloud; without one, pool management answers 503. */
export function adminCloud(c: Ctx): OpenStackClient {
  const os = c.get('deps').cloud;
  if (!os) throw new ApiError(503, 'cloud_unavailable', 'the cloud is not configured');
  return os;
}

/**
 * Runs an admin OpenStack call for a route and answers its refusals in the API's error shape:
 * the cloud's 400 is the request's 422, 404 and 409 stay, anything else is a 502 naming the service.
 */
export async function cloudCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof OpenStackError)) throw e;
    const details = { service: e.service, status: e.status, code: e.code ?? null };
    if (e.status === 400) throw new ApiError(422, 'validation_failed', `${what}: ${e.message}`, details);
    if (e.status === 404) throw new ApiError(404, 'not_found', `${what}: ${e.message}`, details);
    if (e.status === 409) throw new ApiError(409, 'conflict', `${what}: ${e.message}`, details);
    throw new ApiError(502, 'cloud_error', `${what}: the cloud answered ${e.status}: ${e.message}`, details);
  }
}
