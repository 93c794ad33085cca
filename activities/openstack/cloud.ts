import { ApplicationFailure } from '@temporalio/common';
import { credentialsKey } from './auth';
import { createOpenStackClient, type OpenStackClient } from './client';
import { passwordCloud, type Interface } from './config';
import { OpenStackFailureType } from './errors';

/**
 * The platform's service account on the cloud: a Keystone v3 password login whose own project
 * (`projectName`, where it holds `admin`) is the scope of cloud-wide work.
 */
export interface CloudAccount {
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  userDomainName?: string;
  projectDomainName?: string;
  region?: string;
  interface?: Interface;
  timeoutMs?: number;
}

/** Where the platform acts: which scope each kind of work gets. */
export interface Cloud {
  readonly account: CloudAccount;
  /**
   * The account in its own project with the admin role, only for what needs it: hosts, services,
   * migrations, evacuation, flavors, quotas, projects and role assignments.
   */
  admin(): OpenStackClient;
  /**
   * The account scoped to a tenant's project, where it holds `member`: all work done for the tenant.
   * There is no fallback: without the tenant's project (made on his first need) it fails, rather than
   * acting in the account's own project, where it is admin.
   */
  tenant(projectId: string | null | undefined): OpenStackClient;
}

const clients = new Map<string, OpenStackClient>();

/** The process's client of `account` in one scope (one token cache entry per credentials and scope). */
function scopedClient(account: CloudAccount, projectId: string | null): OpenStackClient {
  const scope = projectId
    ? { projectId }
    : { projectName: account.projectName, projectDomainName: account.projectDomainName ?? 'Default' };
  const config = passwordCloud({
    name: 'cmp',
    authUrl: account.authUrl,
    username: account.username,
    password: account.password,
    userDomainName: account.userDomainName ?? 'Default',
    ...scope,
    regionName: account.region,
    interface: account.interface,
  });
  const timeoutMs = account.timeoutMs ?? 30_000;
  const key = `${credentialsKey(config.auth)}|${config.regionName ?? ''}|${config.interface}|${timeoutMs}`;
  let client = clients.get(key);
  if (!client) {
    client = createOpenStackClient(config, { timeoutMs });
    clients.set(key, client);
  }
  return client;
}

/** The cloud of `account`; without one, every use fails as not configured (`OpenStackNotConfigured`). */
export function openCloud(account: CloudAccount | undefined, what = 'the platform'): Cloud {
  const need = (): CloudAccount => {
    if (!account)
      throw ApplicationFailure.nonRetryable(
        `OpenStack is not configured for ${what} (OS_AUTH_URL...)`,
        OpenStackFailureType.NotConfigured,
      );
    return account;
  };
  return {
    get account() {
      return need();
    },
    admin: () => scopedClient(need(), null),
    tenant: (projectId) => {
      if (!projectId)
        throw ApplicationFailure.nonRetryable(
          "tenant work needs the tenant's OpenStack project, and none was given",
          OpenStackFailureType.BadRequest,
        );
      return scopedClient(need(), projectId);
    },
  };
}
