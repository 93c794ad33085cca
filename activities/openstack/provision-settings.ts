import type { Config } from '../../config';
import type { CloudAccount } from './cloud';
import { CloudConfigError, loadCloudConfig } from './config';

/** The platform's service account, and the networks provisioning uses when an order names none. */
export interface ProvisionCloudSettings extends CloudAccount {
  /** Network ports are made on when an order names none (a FLAT provider network by default). */
  defaultNetwork: string;
  /** External network floating IPs come from. */
  externalNetwork: string;
}

/**
 * The service account of the cloud `OS_CLOUD` names, from the clouds.yaml (and secure.yaml) files
 * openstacksdk reads (`OS_CLIENT_CONFIG_FILE`, the working directory, ~/.config/openstack,
 * /etc/openstack), `OS_*` variables filling what the entry leaves out. The platform's scopes need
 * a password login by name (its own project, and tenant projects it is made a member of).
 */
export function accountOfCloud(cloudName: string, env: Record<string, string | undefined> = process.env): CloudAccount {
  const cloud = loadCloudConfig(env, cloudName);
  const a = cloud.auth;
  if (a.type !== 'password' || !a.username || !a.projectName) {
    throw new CloudConfigError(
      `cloud ${cloudName}: the platform's service account needs a password login with username and project_name`,
    );
  }
  return {
    authUrl: a.authUrl,
    username: a.username,
    password: a.password,
    projectName: a.projectName,
    userDomainName: a.userDomainName,
    projectDomainName: a.projectDomainName,
    region: cloud.regionName,
    interface: cloud.interface,
  };
}

/**
 * The platform's cloud access from the configuration: the cloud `OS_CLOUD` names in clouds.yaml,
 * else the `OS_*` variables, else the embedded simulator's admin account when no cloud is configured.
 */
export function provisionSettingsFromConfig(cfg: Config): ProvisionCloudSettings | undefined {
  const common = {
    defaultNetwork: cfg.OS_DEFAULT_NETWORK,
    externalNetwork: cfg.OS_EXTERNAL_NETWORK,
    region: cfg.OS_REGION_NAME,
    interface: cfg.OS_INTERFACE,
  };
  if (cfg.OS_CLOUD) {
    const account = accountOfCloud(cfg.OS_CLOUD);
    return { ...common, ...account, region: account.region ?? common.region };
  }
  if (cfg.OS_AUTH_URL && cfg.OS_USERNAME && cfg.OS_PASSWORD && cfg.OS_PROJECT_NAME) {
    return {
      ...common,
      authUrl: cfg.OS_AUTH_URL,
      username: cfg.OS_USERNAME,
      password: cfg.OS_PASSWORD,
      projectName: cfg.OS_PROJECT_NAME,
      userDomainName: cfg.OS_USER_DOMAIN_NAME,
      projectDomainName: cfg.OS_PROJECT_DOMAIN_NAME,
    };
  }
  if (!cfg.SIMULATOR_EMBEDDED) return undefined;
  return {
    ...common,
    authUrl: `http://127.0.0.1:${cfg.SIMULATOR_PORT}/identity/v3`,
    username: 'admin',
    password: 'secret',
    projectName: 'admin',
  };
}

/** Settings for a simulator started in-process (tests, benchmarks). */
export function simulatorProvisionSettings(url: string): ProvisionCloudSettings {
  return {
    authUrl: `${url}/identity/v3`,
    username: 'admin',
    password: 'secret',
    projectName: 'admin',
    defaultNetwork: 'provider',
    externalNetwork: 'public',
    region: 'RegionOne',
    interface: 'public',
  };
}
