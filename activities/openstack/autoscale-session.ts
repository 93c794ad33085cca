import type { ApplicationFailure } from '@temporalio/common';
import { adapterCall, scopedClient, statusFailure, type AdapterOptions, type AdminLogin } from './session-adapter';

/** The login autoscaling acts with; its project is used when the tenant has none of its own. */
export type OsCredentials = AdminLogin;

export type OsService = 'compute' | 'network' | 'load-balancer';

export interface OsSession {
  call<T = any>(service: OsService, method: string, path: string, body?: unknown): Promise<T>;
}

/** Autoscaling's requests were written against this compute microversion. */
const adapter: AdapterOptions = { microversions: { compute: '2.60' }, noEndpointType: 'OpenStackNoEndpoint' };

export function openStackFailure(status: number, method: string, path: string, text: string): ApplicationFailure {
  return statusFailure(status, method, path, text, adapter);
}

/**
 * Sessions scoped to a tenant's project for the compute, network and load-balancer calls
 * autoscaling and isolation make, over the shared typed client (token cache, 401 reissue, catalog,
 * error mapping). Failures keep the names autoscaling has always shown: 400/403/404 and quota
 * non-retryable, 409/429/5xx retryable (a 5xx or unreachable service is `OpenStackUnavailable`).
 * One session per project, sharing the process's client (and token) of each credentials and scope;
 * `forProject(undefined)` is the configured project.
 */
export function osSessions(creds: OsCredentials): { forProject(projectId?: string | null): OsSession } {
  return {
    forProject(projectId) {
      const client = scopedClient(creds, projectId);
      return { call: <T>(service: OsService, method: string, path: string, body?: unknown) => adapterCall<T>(client, service, method, path, body, adapter) };
    },
  };
}
