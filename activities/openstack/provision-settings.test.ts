import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../config';
import { autoscalingSettingsFromConfig } from './autoscale-settings';
import { CloudConfigError } from './config';
import { accountOfCloud, provisionSettingsFromConfig } from './provision-settings';

describe('the service account from the configuration', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cmp-clouds-'));
    writeFileSync(
      path.join(dir, 'clouds.yaml'),
      [
        'clouds:',
        '  prod:',
        '    region_name: RegionTwo',
        '    interface: internal',
        '    auth: { auth_url: "https://keystone.example:5000/v3", username: cmp, project_name: cmp-service, user_domain_name: Ops, project_domain_name: Ops }',
        '  appcred:',
        '    auth_type: v3applicationcredential',
        '    auth: { auth_url: "https://keystone.example:5000/v3", application_credential_id: ac1, application_credential_secret: s }',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = () => ({ OS_CLIENT_CONFIG_FILE: path.join(dir, 'clouds.yaml'), OS_PASSWORD: 'from-env' });

  it('reads the cloud OS_CLOUD names in clouds.yaml, the password from OS_PASSWORD', () => {
    expect(accountOfCloud('prod', env())).toEqual({
      authUrl: 'https://keystone.example:5000/v3',
      username: 'cmp',
      password: 'from-env',
      projectName: 'cmp-service',
      userDomainName: 'Ops',
      projectDomainName: 'Ops',
      region: 'RegionTwo',
      interface: 'internal',
    });
  });

  it('refuses a login the platform cannot scope to tenant projects', () => {
    expect(() => accountOfCloud('appcred', env())).toThrow(CloudConfigError);
  });

  it('gives provisioning and autoscaling the same account: OS_* variables, else the embedded simulator', () => {
    const cfg = parseConfig({
      OS_AUTH_URL: 'https://keystone.example:5000/v3',
      OS_USERNAME: 'cmp',
      OS_PASSWORD: 'pw',
      OS_PROJECT_NAME: 'svc',
    });
    expect(provisionSettingsFromConfig(cfg)).toMatchObject({
      authUrl: 'https://keystone.example:5000/v3',
      username: 'cmp',
      projectName: 'svc',
      defaultNetwork: 'provider',
      externalNetwork: 'public',
    });
    expect(autoscalingSettingsFromConfig(cfg).openstack).toEqual(provisionSettingsFromConfig(cfg));
    expect(provisionSettingsFromConfig(parseConfig({}))).toMatchObject({ username: 'admin', projectName: 'admin' });
    expect(provisionSettingsFromConfig(parseConfig({ SIMULATOR_EMBEDDED: 'false' }))).toBeUndefined();
  });
});
