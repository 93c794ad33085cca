import { ApplicationFailure } from '@temporalio/common';
import type { CloudConfig } from './config';
import { toActivityFailure } from './errors';
import type { ServiceType } from './service-types';
import { OpenStackSession } from './session';
import type { OperateCloud, OperateService } from './operate-cloud';

/** OpenStack access of the operate activities: the platform's admin account (Keystone v3 password). */
export interface OperateSettings {
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  userDomainName?: string;
  projectDomainName?: string;
  region?: string;
  interface?: 'public' | 'internal' | 'admin';
  timeoutMs?: number;
}

const serviceTypes: Record<OperateService, ServiceType> = { compute: 'compute', network: 'network', volumev3: 'block-storage', image: 'image' };

/** Operate paths carry Neutron's and Glance's version prefix; the shared session's base URL already ends in it. */
function relative(service: OperateService, path: string): string {
  if (service === 'network') return path.replace(/^\/v2\.0(?=\/)/, '');
  if (service === 'image') return path.replace(/^\/v2(?=\/)/, '');
  return path;
}

/**
 * Binds the operate activities to the shared typed client's session (token cache, catalog,
 * microversions, typed errors): the admin in its own project, or the admin scoped to a tenant's
 * project (where provisioning's ensureTenantProject gave it a role). Errors become the activity
 * failures every workflow branches on (OpenStackNotFound, OpenStackConflict, OpenStackServerError...).
 */
export function operateClouds(settings: OperateSettings | undefined): (projectId?: string | null) => Promise<OperateCloud> {
  if (!settings) {
    return async () => {
      throw ApplicationFailure.nonRetryable('OpenStack access of the operate activities is not configured', 'OpenStackNotConfigured');
    };
  }
  const sessions = new Map<string, OpenStackSession>();
  const sessionFor = (projectId: string | null | undefined): OpenStackSession => {
    const key = projectId ?? '';
    let s = sessions.get(key);
    if (!s) {
      const scope = projectId ? { projectId } : { projectName: settings.projectName, projectDomainName: settings.projectDomainName ?? 'Default' };
      const config: CloudConfig = {
        name: 'operate',
        auth: { type: 'password', authUrl: settings.authUrl, username: settings.username, password: settings.password, userDomainName: settings.userDomainName ?? 'Default', ...scope },
        regionName: settings.region,
        interface: settings.interface ?? 'public',
        verify: true,
        endpointOverrides: {},
        apiVersions: {},
      };
      s = new OpenStackSession(config, { timeoutMs: settings.timeoutMs });
      sessions.set(key, s);
    }
    return s;
  };
  return async (projectId) => {
    const s = sessionFor(projectId);
    return {
      async call(service, method, path, body) {
        try {
          return (await s.request(serviceTypes[service], method, relative(service, path), body === undefined ? {} : { body })).body;
        } catch (e) {
          throw toActivityFailure(e);
        }
      },
    };
  };
}
