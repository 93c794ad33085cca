import { novaError, type SimHttpError } from '../core/errors';

export const badRequest = (m: string): SimHttpError => novaError(400, m);
export const forbidden = (m: string): SimHttpError => novaError(403, m);
export const notFound = (m: string): SimHttpError => novaError(404, m);
export const conflict = (m: string): SimHttpError => novaError(409, m);

export const serverNotFound = (id: string): SimHttpError => notFound(`Instance ${id} could not be found.`);

export const policyForbidden = (rule: string): SimHttpError =>
  forbidden(`Policy doesn't allow ${rule} to be performed.`);

/** Nova's InstanceInvalidState as the API words it (common.raise_http_conflict_for_instance_invalid_state). */
export const invalidState = (
  action: string,
  serverId: string,
  attr: 'vm_state' | 'task_state',
  state: string | null,
): SimHttpError => conflict(`Cannot '${action}' instance ${serverId} while it is in ${attr} ${state ?? 'None'}`);

export const instanceLocked = (serverId: string): SimHttpError => conflict(`Instance ${serverId} is locked`);
