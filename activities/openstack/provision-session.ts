import type { ApplicationFailure } from '@temporalio/common';
import { adapterCall, scopedClient, scopedProjectId, statusFailure, type AdapterOptions, type AdminLogin } from './session-adapter';

/**
 * Sessions of the platform's admin account, either in its own project or scoped to a tenant's
 * project (the admin holds a role there, see ensureTenantProject), over the shared typed client
 * (token cache, 401 reissue, catalog, error mapping). Failures keep the names provisioning has
 * always shown: 400/403/404 and quota non-retryable, 409/429/5xx and network errors retryable
 * (a 5xx or unreachable service is `OpenStackUnavailable`).
 */
export interface ProvisionCloudSettings extends AdminLogin {
  /** Network ports are made on when an order names none (a FLAT provider network by default). */
  defaultNetwork: string;
  /** External network floating IPs come from. */
  externalNetwork: string;
}

export type CloudService = 'identity' | 'compute' | 'network' | 'volumev3' | 'image';

export interface CloudSession {
  projectId: string;
  call<T = any>(service: CloudService, method: string, path: string, body?: unknown): Promise<T>;
}

/** Provisioning's requests were written against these microversions. */
const adapter: AdapterOptions = { microversions: { compute: '2.60', 'block-storage': '3.27' }, noEndpointType: 'OpenStackNotConfigured' };

export function cloudFailure(status: number, method: string, path: string, text: string): ApplicationFailure {
  return statusFailure(status, method, path, text, adapter);
}

/** Sessions per scope, sharing the process's client (and token) of each credentials and project. */
export function provisionSessions(s: ProvisionCloudSettings) {
  async function session(projectId: string | null): Promise<CloudSession> {
    const client = scopedClient(s, projectId);
    const scoped = await scopedProjectId(client, adapter);
    return {
      projectId: scoped ?? projectId ?? '',
      call: <T>(service: CloudService, method: string, path: string, body?: unknown) => adapterCall<T>(client, service, method, path, body, adapter),
    };
  }

  return {
    settings: s,
    /** The admin in its own project. */
    admin: () => session(null),
    /** The admin scoped to a tenant's project. */
    project: (projectId: string) => session(projectId),
  };
}

export type ProvisionSessions = ReturnType<typeof provisionSessions>;
