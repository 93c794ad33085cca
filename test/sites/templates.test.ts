import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderTemplate } from '../../activities/sites/templates';

/** The values the local agent hands a vhost template for one site. */
const values = (siteRoot: string) => ({
  siteId: '0f0f0f0f-0000-4000-8000-000000000001',
  hostname: 'shop.sites.localhost',
  siteRoot,
  listen: '127.0.0.1:8480',
  fpmPort: 9401,
  fpmAddress: '127.0.0.1',
  bodyLimitMb: 16,
  bodyLimitBytes: 16 * 1024 * 1024,
});

const apache = ['/usr/sbin/apache2', '/usr/sbin/httpd'].find((b) => existsSync(b));
const modules = '/usr/lib/apache2/modules';

describe('the vhost templates', () => {
  it('renders the Apache vhost next to the nginx one: same code root, PHP through the same pool, dot files denied', () => {
    const apacheText = renderTemplate('apache-vhost.conf', values('/srv/sites/s0f0f0f0f0000'));
    const nginxText = renderTemplate('nginx-vhost.conf', values('/srv/sites/s0f0f0f0f0000'));
    expect(apacheText).toContain('<VirtualHost 127.0.0.1:8480>');
    expect(apacheText).toContain('ServerName shop.sites.localhost');
    expect(apacheText).toContain('DocumentRoot /srv/sites/s0f0f0f0f0000/current');
    expect(apacheText).toContain('SetHandler "proxy:fcgi://127.0.0.1:9401"');
    expect(apacheText).toContain(`LimitRequestBody ${16 * 1024 * 1024}`);
    expect(apacheText).toMatch(/<FilesMatch "\^\\\.">\s*Require all denied/);
    expect(nginxText).toContain('root /srv/sites/s0f0f0f0f0000/current;');
    expect(nginxText).toContain('fastcgi_pass 127.0.0.1:9401;');
    expect(apacheText).not.toMatch(/\{\{\w+\}\}/);
  });

  it('refuses values that would add directives, and a value the template needs but is not given', () => {
    expect(() =>
      renderTemplate('apache-vhost.conf', { ...values('/srv/x'), hostname: 'a.example\n  Include /etc/passwd' }),
    ).toThrow(/hostname holds a character/);
    const { fpmPort: _drop, ...partial } = values('/srv/x');
    expect(() => renderTemplate('apache-vhost.conf', partial)).toThrow(/needs a value for fpmPort/);
  });

  (apache && existsSync(modules) ? it : it.skip)('passes apache2 -t (configtest) with the modules it uses', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'cmp-apache-'));
    try {
      const root = path.join(work, 'sites', 's0f0f0f0f0000');
      mkdirSync(path.join(root, 'current'), { recursive: true });
      mkdirSync(path.join(root, 'logs'), { recursive: true });
      writeFileSync(path.join(work, 'vhost.conf'), renderTemplate('apache-vhost.conf', values(root)));
      const load = ['mpm_event', 'authz_core', 'dir', 'mime', 'proxy', 'proxy_fcgi'].map(
        (m) => `LoadModule ${m}_module ${modules}/mod_${m}.so`,
      );
      writeFileSync(
        path.join(work, 'apache2.conf'),
        [
          ...load,
          `ServerRoot ${work}`,
          `PidFile ${work}/apache2.pid`,
          `ErrorLog ${work}/error.log`,
          'ServerName localhost',
          'Listen 127.0.0.1:8480',
          `Include ${work}/vhost.conf`,
          '',
        ].join('\n'),
      );
      const check = spawnSync(apache!, ['-t', '-f', path.join(work, 'apache2.conf')], { env: { ...process.env } });
      expect({ status: check.status, stderr: check.stderr.toString().trim() }).toEqual({
        status: 0,
        stderr: 'Syntax OK',
      });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
