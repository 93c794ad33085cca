import { createOpenStackClient, passwordCloud, type Interface, type OpenStackClient } from '../../activities/openstack';

/** The platform's admin account on the cloud (the one provisioning and operating use). */
export interface CloudLogin {
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  userDomainName?: string;
  projectDomainName?: string;
  region?: string;
  interface?: Interface;
}

/**
 * The API's own read access to the cloud, in the admin's project: it looks at the objects tenants
 * name (ownership, visibility) before any workflow starts, so the decision is the platform's.
 */
export function apiCloudClient(login: CloudLogin): OpenStackClient {
  return createOpenStackClient(
    passwordCloud({
      name: 'cmp-api',
      authUrl: login.authUrl,
      username: login.username,
      password: login.password,
      userDomainName: login.userDomainName ?? 'Default',
      projectName: login.projectName,
      projectDomainName: login.projectDomainName ?? 'Default',
      regionName: login.region,
      interface: login.interface,
    }),
    { timeoutMs: 15_000 },
  );
}
