/**
 * An error the simulator answers with. `body` is the exact JSON the real service would send
 * (Nova/Cinder: `{ itemNotFound: { code, message } }`; Neutron: `{ NeutronError: { type, message, detail } }`),
 * so each service builds its own through the helpers below.
 */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body ? JSON.stringify(body) : String(body));
  }
}

const novaKeys: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  409: 'conflictingRequest',
  413: 'overLimit',
  500: 'computeFault',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

/** Nova, Cinder and Octavia-style fault body. */
export function novaError(status: number, message: string): SimHttpError {
  const key = novaKeys[status] ?? 'computeFault';
  return new SimHttpError(status, { [key]: { code: status, message } });
}

/** Neutron-style fault body. */
export function neutronError(status: number, type: string, message: string): SimHttpError {
  return new SimHttpError(status, { NeutronError: { type, message, detail: '' } });
}

/** Keystone-style fault body. */
export function keystoneError(status: number, title: string, message: string): SimHttpError {
  return new SimHttpError(status, { error: { code: status, title, message } });
}
