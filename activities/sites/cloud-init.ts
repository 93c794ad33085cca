import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Document, type YAMLSeq } from 'yaml';
import type { AppEnvironment } from '../../domain/entities';
import { renderTemplate } from './templates';

/**
 * A dedicated web server's cloud-init user data, from an application environment template version and the site's
 * parameters. The vhost and pool are the shared hosts' own templates (config/site-templates). No secret is written:
 * the database and FTP passwords reach the server from `secretsUrl` (a reference it fetches at first boot, into a
 * root-only file php-fpm's unit reads); without one they are left out and the server waits for them to be delivered.
 */
export interface DedicatedUserDataInput {
  environment: Pick<AppEnvironment, 'id' | 'name' | 'version' | 'webServer' | 'phpVersion' | 'phpModules' | 'ftp'>;
  hostname: string;
  siteId?: string;
  /** Where the code lives (releases/, current -> the live release); /srv/site when not given. */
  codeRoot?: string;
  /** The site's database, without its password (DB_PASSWORD comes from the secrets reference). */
  database?: { host: string; port: number; name: string; user: string };
  /** The shared-space volume, mounted at `<codeRoot>/shared` unless `mountPoint` says otherwise. */
  sharedVolume?: { device: string; mountPoint?: string };
  /** The FTP account's name (its password comes from the secrets reference); only when the template has FTP. */
  ftpUser?: string;
  /** A reference (an https URL) the server fetches its secrets from: KEY=value lines. */
  secretsUrl?: string;
}

export const dnsHostnamePattern =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
const pathPattern = /^\/[A-Za-z0-9._/-]{1,200}$/;
const namePattern = /^[A-Za-z0-9._-]{1,64}$/;
const secretsFile = '/etc/cmp/site-secrets.env';
const fpmPort = 9000;

/** Modules in php-common (no package of their own), and those another package carries. */
const builtinModules = new Set(
  'calendar ctype exif ffi fileinfo ftp gettext iconv json pdo phar posix shmop sockets sysvmsg sysvsem sysvshm tokenizer'.split(
    ' ',
  ),
);
const modulePackage: Record<string, string> = {
  mysqli: 'mysql',
  mysqlnd: 'mysql',
  pdo_mysql: 'mysql',
  pgsql: 'pgsql',
  pdo_pgsql: 'pgsql',
  sqlite3: 'sqlite3',
  pdo_sqlite: 'sqlite3',
  dom: 'xml',
  simplexml: 'xml',
  xmlreader: 'xml',
  xmlwriter: 'xml',
  xsl: 'xml',
};

/** Debian's packages for a template: the web server, php<ver>-fpm, its modules' packages, pure-ftpd with FTP. */
export function dedicatedPackages(env: DedicatedUserDataInput['environment']): string[] {
  const php = `php${env.phpVersion}`;
  const modules = env.phpModules
    .map((m) => m.toLowerCase())
    .filter((m) => !builtinModules.has(m))
    .map((m) => `${php}-${modulePackage[m] ?? m}`);
  return [
    env.webServer === 'apache' ? 'apache2' : 'nginx',
    `${php}-fpm`,
    ...new Set(modules),
    ...(env.ftp ? ['pure-ftpd', 'curl'] : ['curl']),
  ];
}

export function renderDedicatedUserData(input: DedicatedUserDataInput): string {
  const env = input.environment;
  if (!dnsHostnamePattern.test(input.hostname)) throw new Error(`hostname ${input.hostname} is not a DNS name`);
  const root = input.codeRoot ?? '/srv/site';
  if (!pathPattern.test(root) || root.includes('..')) throw new Error(`code root ${root} is not an absolute path`);
  const mount = input.sharedVolume ? (input.sharedVolume.mountPoint ?? `${root}/shared`) : undefined;
  if (mount && (!pathPattern.test(mount) || mount.includes('..')))
    throw new Error(`mount point ${mount} is not a path`);
  if (input.sharedVolume && !pathPattern.test(input.sharedVolume.device))
    throw new Error(`volume device ${input.sharedVolume.device} is not a path`);
  if (input.ftpUser && !namePattern.test(input.ftpUser)) throw new Error(`ftp user ${input.ftpUser} is not a name`);
  if (input.secretsUrl && !/^https:\/\/[^\s'"\\]+$/.test(input.secretsUrl))
    throw new Error('the secrets reference is not an https URL');
  const db = input.database;
  if (db && ![db.host, db.name, db.user].every((v) => namePattern.test(v)))
    throw new Error('database host, name and user must be plain names');

  const php = `php${env.phpVersion}`;
  const envLines = [
    ...(db
      ? [
          `env[DB_HOST] = "${db.host}"`,
          `env[DB_PORT] = "${db.port}"`,
          `env[DB_NAME] = "${db.name}"`,
          `env[DB_USER] = "${db.user}"`,
          // php-fpm reads $NAME from its own environment: the unit's EnvironmentFile (the fetched secrets).
          'env[DB_PASSWORD] = $DB_PASSWORD',
        ]
      : []),
    ...(mount ? [`env[SHARED_DIR] = "${mount}"`] : []),
  ].join('\n');
  const values = {
    siteId: input.siteId ?? input.hostname,
    hostname: input.hostname,
    siteRoot: root,
    listen: env.webServer === 'apache' ? '*:80' : '80',
    fpmPort,
    fpmAddress: '127.0.0.1',
    pool: 'site',
    userLines: 'user = site\ngroup = site',
    envLines,
    maxChildren: 16,
    memoryLimitMb: 256,
    requestTimeoutSeconds: 30,
    bodyLimitMb: 16,
    bodyLimitBytes: 16 * 1024 * 1024,
  };
  const vhostPath =
    env.webServer === 'apache' ? '/etc/apache2/sites-available/site.conf' : '/etc/nginx/sites-available/site.conf';
  const vhost = renderTemplate(env.webServer === 'apache' ? 'apache-vhost.conf' : 'nginx-vhost.conf', values);
  const files = [
    { path: `/etc/php/${env.phpVersion}/fpm/pool.d/site.conf`, content: renderTemplate('php-fpm-pool.conf', values) },
    { path: vhostPath, content: vhost },
    {
      path: `/etc/systemd/system/${php}-fpm.service.d/cmp-secrets.conf`,
      content: `[Service]\nEnvironmentFile=-${secretsFile}\n`,
    },
    // pure-ftpd's virtual users (pure-pw), each kept in its home.
    ...(env.ftp
      ? [
          { path: '/etc/pure-ftpd/conf/PureDB', content: '/etc/pure-ftpd/pureftpd.pdb\n' },
          { path: '/etc/pure-ftpd/conf/ChrootEveryone', content: 'yes\n' },
        ]
      : []),
  ].map((f) => ({ ...f, owner: 'root:root', permissions: '0644', defer: true }));

  const runcmd: string[][] = [
    ['install', '-d', '-o', 'site', '-g', 'www-data', '-m', '0750', root, `${root}/releases`],
    ['install', '-d', '-o', 'site', '-g', 'site', '-m', '0750', `${root}/tmp`, `${root}/logs`],
  ];
  if (mount) runcmd.push(['chown', 'site:www-data', mount]);
  if (input.secretsUrl)
    runcmd.push([
      'sh',
      '-c',
      `umask 077 && mkdir -p /etc/cmp && curl -fsS --retry 10 -o ${secretsFile} '${input.secretsUrl}'`,
    ]);
  if (env.ftp) runcmd.push(['ln', '-sf', '/etc/pure-ftpd/conf/PureDB', '/etc/pure-ftpd/auth/50pure']);
  if (env.ftp && input.ftpUser)
    // The FTP account's password is the fetched FTP_PASSWORD; without the secrets file the account waits for it.
    runcmd.push([
      'sh',
      '-c',
      `[ -f ${secretsFile} ] && . ${secretsFile} && [ -n "$FTP_PASSWORD" ] && ` +
        `printf '%s\\n%s\\n' "$FTP_PASSWORD" "$FTP_PASSWORD" | pure-pw useradd ${input.ftpUser} -u site -g site -d ${root} -m || true`,
    ]);
  if (env.webServer === 'apache')
    runcmd.push(['a2enmod', 'proxy_fcgi'], ['a2dissite', '000-default'], ['a2ensite', 'site']);
  else
    runcmd.push(
      ['ln', '-sf', vhostPath, '/etc/nginx/sites-enabled/site.conf'],
      ['rm', '-f', '/etc/nginx/sites-enabled/default'],
    );
  const web = env.webServer === 'apache' ? 'apache2' : 'nginx';
  runcmd.push(
    ['systemctl', 'daemon-reload'],
    ['systemctl', 'restart', `${php}-fpm`],
    ['systemctl', 'enable', `${php}-fpm`, web, ...(env.ftp ? ['pure-ftpd'] : [])],
    ['systemctl', 'reload', web],
    ...(env.ftp ? [['systemctl', 'restart', 'pure-ftpd']] : []),
  );

  const doc = {
    package_update: true,
    packages: dedicatedPackages(env),
    users: [
      'default',
      {
        name: 'site',
        system: true,
        homedir: root,
        no_create_home: true,
        shell: '/usr/sbin/nologin',
        lock_passwd: true,
      },
    ],
    ...(input.sharedVolume && mount
      ? {
          fs_setup: [
            { label: 'site-shared', filesystem: 'ext4', device: input.sharedVolume.device, partition: 'none' },
          ],
          mounts: [[input.sharedVolume.device, mount, 'ext4', 'defaults,nofail', '0', '2']],
        }
      : {}),
    write_files: files,
    runcmd,
  };
  const yaml = new Document(doc);
  // A command or mount entry on one line reads as what it is.
  for (const key of ['runcmd', 'mounts'])
    for (const item of (yaml.get(key) as YAMLSeq | undefined)?.items ?? []) (item as YAMLSeq).flow = true;
  const head = `# App environment ${env.name} version ${env.version} (${env.id}) for ${input.hostname}.`;
  return `#cloud-config\n${head}\n${yaml.toString({ lineWidth: 0 })}`;
}

/** What Debian's `cloud-init schema --config-file` finds wrong with a document (none: valid). */
export async function cloudConfigProblems(text: string): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cloud-config-'));
  const file = path.join(dir, 'user-data');
  try {
    await writeFile(file, text, { mode: 0o600 });
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((ok, fail) =>
      execFile('cloud-init', ['schema', '--config-file', file], { timeout: 30_000 }, (err, so, se) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT')
          fail(new Error('cloud-init is not installed: user data cannot be validated'));
        else ok({ code: err ? Number(err.code ?? 1) : 0, stdout: String(so), stderr: String(se) });
      }),
    );
    const problems = `${stderr}\n${stdout}`
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && l !== 'Error:' && !l.startsWith('Valid cloud-config'))
      .map((l) => l.split(file).join('user-data'))
      .filter((l) => !/^Cloud config schema deprecations:\s*$/.test(l));
    if (code !== 0 && !problems.length) problems.push(`cloud-init schema exited with ${code}`);
    return code === 0 ? problems.filter((p) => /deprecat/i.test(p)) : problems;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export class InvalidUserDataError extends Error {
  constructor(readonly problems: string[]) {
    super(`user data refused by cloud-init schema: ${problems.join('; ')}`);
  }
}

/** The document if cloud-init's schema accepts it; otherwise an InvalidUserDataError naming its problems. */
export async function assertValidCloudConfig(text: string): Promise<string> {
  const problems = await cloudConfigProblems(text);
  if (problems.length) throw new InvalidUserDataError(problems);
  return text;
}
