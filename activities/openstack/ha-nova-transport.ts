import { adapterCall, scopedClient, type AdapterOptions, type AdminLogin } from './session-adapter';

/**
 * The admin Nova calls HA makes (migrations, services, evacuation), through the shared typed client
 * (token cache, 401 reissue, catalog, error mapping) scoped to the admin's own project.
 */
export interface NovaTransport {
  call<T = any>(method: string, path: string, body?: unknown): Promise<T>;
}

export type NovaCredentials = AdminLogin & {
  /** Compute microversion every call asks for (HA was written against 2.74: forced hosts on create). */
  microversion?: string;
};

export function novaTransport(creds: NovaCredentials): NovaTransport {
  const opts: AdapterOptions = { microversions: { compute: creds.microversion ?? '2.74' }, noEndpointType: 'OpenStackNoEndpoint' };
  const client = scopedClient(creds);
  return {
    call: <T>(method: string, path: string, body?: unknown) => adapterCall<T>(client, 'compute', method, path, body, opts),
  };
}
