import { parse } from 'yaml';
import {
  assertValidCloudConfig,
  cloudConfigProblems,
  InvalidUserDataError,
  renderDedicatedUserData,
  type DedicatedUserDataInput,
} from '../../activities/sites/cloud-init';
import { defaultAppEnvironment } from '../../domain/sites/app-environments';
import { startTestPlatform, type TestPlatform } from '../support/platform';

jest.setTimeout(40_000);

let platform: TestPlatform;
let admin: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  admin = await platform.adminToken();
});

afterAll(async () => {
  await platform?.close();
});

const apache = { ...defaultAppEnvironment, id: '00000000-0000-4000-8000-0000000000ap', webServer: 'apache' as const };

function site(environment: DedicatedUserDataInput['environment']): DedicatedUserDataInput {
  return {
    environment,
    hostname: 'shop.example.com',
    codeRoot: '/srv/shop',
    // A password given by mistake is not written: the renderer knows of none.
    database: { host: 'db-1', port: 3306, name: 'shop', user: 'shop', password: 'Sup3r-S3cret-db' } as never,
    sharedVolume: { device: '/dev/vdb' },
    ftpUser: 'shop',
    secretsUrl: 'https://secrets.example/v1/ref/7c1e',
  };
}

test.each([
  ['nginx', defaultAppEnvironment, '/etc/nginx/sites-available/site.conf', 'server_name shop.example.com;', 'nginx'],
  ['apache', apache, '/etc/apache2/sites-available/site.conf', 'ServerName shop.example.com', 'apache2'],
])(
  'the %s variant renders packages, the shared templates and the commands, and cloud-init schema accepts it',
  async (_, env, vhostPath, serverName, pkg) => {
    const text = renderDedicatedUserData(site(env));
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    expect(await cloudConfigProblems(text)).toEqual([]);
    await expect(assertValidCloudConfig(text)).resolves.toBe(text);

    const doc = parse(text);
    expect(doc.packages).toEqual([pkg, 'php8.2-fpm', 'php8.2-mysql', 'php8.2-opcache', 'pure-ftpd', 'curl']);
    const files = new Map<string, string>(doc.write_files.map((f: any) => [f.path, f.content]));
    expect(files.get(vhostPath)).toContain(serverName);
    expect(files.get(vhostPath)).toContain('127.0.0.1:9000');
    expect(files.get(vhostPath)).toContain('/srv/shop/current');
    const pool = files.get('/etc/php/8.2/fpm/pool.d/site.conf')!;
    expect(pool).toContain('listen = 127.0.0.1:9000');
    expect(pool).toContain('env[DB_HOST] = "db-1"');
    expect(pool).toContain('env[DB_PASSWORD] = $DB_PASSWORD');
    expect(doc.mounts).toEqual([['/dev/vdb', '/srv/shop/shared', 'ext4', 'defaults,nofail', '0', '2']]);
    const commands = doc.runcmd.map((c: string[]) => c.join(' '));
    expect(commands).toContain(`systemctl reload ${pkg}`);
    expect(commands.some((c: string) => c.includes('pure-pw useradd shop'))).toBe(true);

    // No secret in plain text: the database password given by mistake is not there, passwords are references.
    expect(text).not.toContain('Sup3r-S3cret-db');
    expect(text).not.toMatch(/^\s*-?\s*(passwd|chpasswd|plain_text_passwd|hashed_passwd)\s*:/m);
    for (const line of text.split('\n').filter((l) => /PASSWORD/.test(l)))
      expect(line).toMatch(/\$DB_PASSWORD|\$FTP_PASSWORD/);
  },
);

test('without FTP there is no pure-ftpd; a bad host name is refused before anything is rendered', async () => {
  const text = renderDedicatedUserData({
    environment: { ...defaultAppEnvironment, ftp: false },
    hostname: 'a.example',
  });
  expect(text).not.toContain('pure-ftpd');
  expect(await cloudConfigProblems(text)).toEqual([]);
  expect(() => renderDedicatedUserData({ environment: defaultAppEnvironment, hostname: 'x.example\nruncmd:' })).toThrow(
    /not a DNS name/,
  );
});

test("a broken document is refused with the schema's message", async () => {
  const broken = '#cloud-config\npackages: 5\nwrite_files:\n  - content: no path\n';
  const problems = await cloudConfigProblems(broken);
  expect(problems.join('\n')).toMatch(/packages: 5 is not of type 'array'/);
  expect(problems.join('\n')).toMatch(/'path' is a required property/);
  await expect(assertValidCloudConfig(broken)).rejects.toThrow(InvalidUserDataError);
  await expect(assertValidCloudConfig('#cloud-config\npackages: [a\n')).rejects.toThrow(/not valid yaml/);
});

test('the staff preview: the validated document; 404 unknown, 422 bad host name, 403 for tenants', async () => {
  const url = (id: string, q: string) => `/api/v1/app-environments/${id}/user-data?${q}`;
  const ok = await platform.call('GET', url(defaultAppEnvironment.id, 'hostname=shop.example.com'), { token: admin });
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({
    environment: { id: defaultAppEnvironment.id, name: 'standard', version: 1 },
    hostname: 'shop.example.com',
    contentType: 'text/cloud-config',
    validatedWith: 'cloud-init schema',
  });
  expect(ok.body.userData).toContain('server_name shop.example.com;');
  expect(ok.body.userData).toContain('pure-pw useradd site');
  expect(await cloudConfigProblems(ok.body.userData)).toEqual([]);

  const unknown = await platform.call('GET', url('00000000-0000-4000-8000-00000000ffff', 'hostname=a.example'), {
    token: admin,
  });
  expect(unknown.status).toBe(404);
  for (const q of ['hostname=Not_A_Name', 'hostname=single', 'hostname=a.example&other=1', ''])
    expect((await platform.call('GET', url(defaultAppEnvironment.id, q), { token: admin })).status).toBe(422);

  const tenant = await platform.tenantUser('cloud-init-tenant');
  const refused = await platform.call('GET', url(defaultAppEnvironment.id, 'hostname=a.example'), {
    token: tenant.token,
  });
  expect(refused.status).toBe(403);
});
