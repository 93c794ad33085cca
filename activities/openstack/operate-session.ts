import { ApplicationFailure } from '@temporalio/common';
import { provisionSessions } from './provision-session';
import type { OperateCloud } from './operate-cloud';

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

/**
 * Binds the operate activities to the Keystone sessions provisioning already keeps (admin, or the
 * admin scoped to a tenant's project), rather than a third copy of token handling. The shared typed
 * client had not landed when this was written; this file is the one place to switch to it.
 */
export function operateClouds(settings: OperateSettings | undefined): (projectId?: string | null) => Promise<OperateCloud> {
  if (!settings) {
    return async () => {
      throw ApplicationFailure.nonRetryable('OpenStack access of the operate activities is not configured', 'OpenStackNotConfigured');
    };
  }
  const sessions = provisionSessions({ ...settings, defaultNetwork: '', externalNetwork: '' });
  return async (projectId) => {
    const s = projectId ? await sessions.project(projectId) : await sessions.admin();
    return { call: (service, method, path, body) => s.call(service, method, path, body) };
  };
}
