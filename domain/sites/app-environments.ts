/**
 * Application environment templates: what a site's web stack is built from (web server, PHP version and modules,
 * FTP). Templates are versioned data: a version never changes once made (a change is a new version of the same name),
 * and a retired version stays for the sites that run it.
 */

/** The PHP versions the local host agent runs (Debian's php-fpm8.2). */
export const appEnvironmentPhpVersions = ['8.2'] as const;
export type AppEnvironmentPhpVersion = (typeof appEnvironmentPhpVersions)[number];

export const appEnvironmentWebServers = ['nginx', 'apache'] as const;
export type AppEnvironmentWebServer = (typeof appEnvironmentWebServers)[number];

export const appEnvironmentStatuses = ['active', 'retired'] as const;
export type AppEnvironmentStatus = (typeof appEnvironmentStatuses)[number];

/** A template's name: lower-case letters, digits and inner dots or dashes, 1 to 48 characters. */
export const appEnvironmentNamePattern = /^[a-z0-9]([a-z0-9.-]{0,46}[a-z0-9])?$/;
/** A PHP module's name as `php -m` lists it (mysqli, PDO_mysql, Zend OPcache's opcache ...); kept lower case. */
export const phpModulePattern = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;

/** The template a site ordered without one runs: the latest active version of this name. */
export const defaultAppEnvironmentName = 'standard';

/** The default template's first version (made by the migration that adds templates). */
export const defaultAppEnvironment = {
  id: '00000000-0000-4000-8000-00000000a001',
  name: defaultAppEnvironmentName,
  version: 1,
  webServer: 'nginx' as AppEnvironmentWebServer,
  phpVersion: '8.2' as AppEnvironmentPhpVersion,
  phpModules: ['mysqli', 'opcache', 'pdo_mysql'],
  ftp: true,
  description: 'nginx with PHP 8.2 (php-fpm), MySQL modules and FTP access',
};

/** The version a new template of a name gets: one more than its latest (1 for a new name). */
export function nextAppEnvironmentVersion(versions: number[]): number {
  return versions.reduce((m, v) => Math.max(m, v), 0) + 1;
}

/** A module list as a template keeps it: lower case, each once, sorted. */
export function normalizePhpModules(modules: string[]): string[] {
  return [...new Set(modules.map((m) => m.toLowerCase()))].sort();
}
