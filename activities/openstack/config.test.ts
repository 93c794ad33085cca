import { CloudConfigError, resolveCloudConfig, type CloudConfigSources } from './config';

const base = (env: Record<string, string>, files: Record<string, string> = {}): CloudConfigSources => ({
  env,
  files,
  cwd: '/work',
  home: '/home/u',
});

const cloudsYaml = `
clouds:
  prod:
    auth:
      auth_url: https://keystone.example.com:5000/v3
      username: cmp
      project_name: cmp-ops
      user_domain_name: Ops
      project_domain_id: default
    region_name: RegionTwo
    interface: internal
    compute_api_version: "2.79"
    block_storage_endpoint_override: https://cinder.example.com/v3/$(project_id)s
  app:
    auth_type: v3applicationcredential
    auth:
      auth_url: https://keystone.example.com/v3
      application_credential_id: abc
      application_credential_secret: s3cret
    verify: false
`;

describe('resolveCloudConfig', () => {
  it('builds a password cloud from OS_* variables', () => {
    const c = resolveCloudConfig(
      base({
        OS_AUTH_URL: 'http://127.0.0.1:5000/v3',
        OS_USERNAME: 'admin',
        OS_PASSWORD: 'pw',
        OS_PROJECT_NAME: 'admin',
        OS_USER_DOMAIN_NAME: 'Default',
        OS_PROJECT_DOMAIN_ID: 'default',
        OS_REGION_NAME: 'RegionOne',
        OS_INTERFACE: 'admin',
      }),
    );
    expect(c).toEqual({
      name: 'envvars',
      auth: {
        type: 'password',
        authUrl: 'http://127.0.0.1:5000/v3',
        username: 'admin',
        password: 'pw',
        userDomainName: 'Default',
        userDomainId: undefined,
        userId: undefined,
        projectName: 'admin',
        projectId: undefined,
        projectDomainName: undefined,
        projectDomainId: 'default',
        domainName: undefined,
        domainId: undefined,
      },
      regionName: 'RegionOne',
      interface: 'admin',
      verify: true,
      cacert: undefined,
      endpointOverrides: {},
      apiVersions: {},
    });
  });

  it('reads application credentials from OS_* variables', () => {
    const c = resolveCloudConfig(
      base({
        OS_AUTH_URL: 'http://k/v3',
        OS_AUTH_TYPE: 'v3applicationcredential',
        OS_APPLICATION_CREDENTIAL_ID: 'id1',
        OS_APPLICATION_CREDENTIAL_SECRET: 'sec',
      }),
    );
    expect(c.auth).toMatchObject({
      type: 'v3applicationcredential',
      applicationCredentialId: 'id1',
      applicationCredentialSecret: 'sec',
    });
  });

  it('picks OS_CLOUD from the first clouds.yaml on the search path, filling secrets from OS_PASSWORD', () => {
    const files = { '/home/u/.config/openstack/clouds.yaml': cloudsYaml, '/etc/openstack/clouds.yaml': 'clouds: {}' };
    const c = resolveCloudConfig(base({ OS_CLOUD: 'prod', OS_PASSWORD: 'from-env' }, files));
    expect(c.name).toBe('prod');
    expect(c.auth).toMatchObject({
      type: 'password',
      username: 'cmp',
      password: 'from-env',
      userDomainName: 'Ops',
      projectName: 'cmp-ops',
      projectDomainId: 'default',
    });
    expect(c.regionName).toBe('RegionTwo');
    expect(c.interface).toBe('internal');
    expect(c.apiVersions).toEqual({ compute: '2.79' });
    expect(c.endpointOverrides).toEqual({ 'block-storage': 'https://cinder.example.com/v3/$(project_id)s' });
  });

  it('prefers OS_CLIENT_CONFIG_FILE and ./clouds.yaml, and merges secure.yaml', () => {
    const files = {
      '/custom/clouds.yaml': cloudsYaml,
      '/work/clouds.yaml': 'clouds: {}',
      '/work/secure.yaml': 'clouds:\n  prod:\n    auth:\n      password: from-secure\n',
    };
    const c = resolveCloudConfig(base({ OS_CLOUD: 'prod', OS_CLIENT_CONFIG_FILE: '/custom/clouds.yaml' }, files));
    expect(c.auth).toMatchObject({ password: 'from-secure' });
    expect(() => resolveCloudConfig(base({ OS_CLOUD: 'prod' }, files))).toThrow(/cloud prod is not in clouds.yaml/);
  });

  it('reads an application-credential cloud with verify: false', () => {
    const c = resolveCloudConfig(base({ OS_CLOUD: 'app' }, { '/work/clouds.yaml': cloudsYaml }));
    expect(c.auth).toMatchObject({
      type: 'v3applicationcredential',
      applicationCredentialId: 'abc',
      applicationCredentialSecret: 's3cret',
    });
    expect(c.verify).toBe(false);
  });

  it('explains what is missing', () => {
    expect(() => resolveCloudConfig(base({}))).toThrow(CloudConfigError);
    expect(() => resolveCloudConfig(base({ OS_AUTH_URL: 'http://k/v3', OS_USERNAME: 'u' }))).toThrow(/password/);
    expect(() => resolveCloudConfig(base({ OS_CLOUD: 'x' }))).toThrow(/no clouds.yaml/);
    expect(() =>
      resolveCloudConfig(
        base({
          OS_AUTH_URL: 'http://k/v3',
          OS_APPLICATION_CREDENTIAL_NAME: 'n',
          OS_APPLICATION_CREDENTIAL_SECRET: 's',
        }),
      ),
    ).toThrow(/needs username or user_id/);
  });
});
