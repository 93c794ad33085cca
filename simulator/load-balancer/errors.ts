import { SimHttpError } from '../core/errors';

/** Octavia (WSME) fault body: `{ faultcode, faultstring, debuginfo }`. */
export function octaviaError(status: number, message: string): SimHttpError {
  return new SimHttpError(status, {
    faultcode: status >= 500 ? 'Server' : 'Client',
    faultstring: message,
    debuginfo: null,
  });
}

export const notFound = (kind: string, id: string) => octaviaError(404, `${kind} ${id} not found.`);
export const immutable = (lbId: string) =>
  octaviaError(409, `Load Balancer ${lbId} is immutable and cannot be updated.`);
export const forbidden = () => octaviaError(403, 'Policy does not allow this request to be performed.');
export const invalidField = (field: string, value: unknown, why: string) =>
  octaviaError(
    400,
    `Invalid input for field/attribute ${field}. Value: '${typeof value === 'string' ? value : JSON.stringify(value)}'. ${why}`,
  );
export const validationFailure = (message: string) => octaviaError(400, `Validation failure: ${message}`);
