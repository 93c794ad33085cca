/** One Nagios object definition: `define <type> {` with one directive per line. */
export function define(type: string, directives: Record<string, string | number>): string {
  const width = Math.max(...Object.keys(directives).map((k) => k.length)) + 2;
  return [`define ${type} {`, ...Object.entries(directives).map(([k, v]) => `  ${k.padEnd(width)}${v}`), '}', ''].join(
    '\n',
  );
}

/** Nagios forbids some characters in object names; ids are mapped onto what it accepts. */
export const nagiosName = (s: string) => s.replace(/[^A-Za-z0-9._@:-]/g, '_');

export interface NagiosHost {
  name: string;
  alias: string;
  /** The Nagios host group (compute-hosts, servers, storage, switches, platform). */
  group: string;
  services: string[];
}

export interface NagiosTemplateOptions {
  /** Seconds without a passive result after which Nagios runs the stale check (UNKNOWN). */
  freshnessSeconds: number;
}

export const hostGroups = {
  host: 'cmp-compute-hosts',
  server: 'cmp-servers',
  storage: 'cmp-storage',
  switch: 'cmp-switches',
  platform: 'cmp-platform',
} as const;

/** Commands, templates and the contact every generated object uses: passive only, freshness turning silence into UNKNOWN. */
export function baseObjects(o: NagiosTemplateOptions): string {
  const days = Object.fromEntries(
    ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map((d) => [d, '00:00-24:00']),
  );
  const passive = {
    check_command: 'cmp-stale',
    active_checks_enabled: 0,
    passive_checks_enabled: 1,
    check_freshness: 1,
    freshness_threshold: o.freshnessSeconds,
    max_check_attempts: 1,
    check_period: 'cmp-24x7',
    notification_period: 'cmp-24x7',
    notification_interval: 0,
    contact_groups: 'cmp-admins',
  };
  return [
    '# Written by the platform; edits here are overwritten.',
    define('timeperiod', { timeperiod_name: 'cmp-24x7', alias: 'always', ...days }),
    define('command', {
      command_name: 'cmp-stale',
      command_line: '$USER1$/check_dummy 3 "no result from the platform within the freshness threshold"',
    }),
    define('command', { command_name: 'cmp-notify-none', command_line: '/bin/true' }),
    define('contact', {
      contact_name: 'cmp-admin',
      alias: 'CMP O&M',
      host_notifications_enabled: 0,
      service_notifications_enabled: 0,
      host_notification_period: 'cmp-24x7',
      service_notification_period: 'cmp-24x7',
      host_notification_options: 'n',
      service_notification_options: 'n',
      host_notification_commands: 'cmp-notify-none',
      service_notification_commands: 'cmp-notify-none',
    }),
    define('contactgroup', { contactgroup_name: 'cmp-admins', alias: 'CMP O&M', members: 'cmp-admin' }),
    define('host', { name: 'cmp-host', register: 0, ...passive }),
    define('service', { name: 'cmp-service', register: 0, ...passive, check_interval: 60, retry_interval: 60 }),
    ...Object.values(hostGroups).map((g) =>
      define('hostgroup', { hostgroup_name: g, alias: g.replace(/^cmp-/, '').replace(/-/g, ' ') }),
    ),
  ].join('\n');
}

/** Hosts and their services. A host group without members is fine for Nagios. */
export function objectDefinitions(hosts: NagiosHost[]): string {
  const out: string[] = [];
  for (const h of hosts) {
    out.push(define('host', { use: 'cmp-host', host_name: nagiosName(h.name), alias: h.alias, hostgroups: h.group }));
    for (const s of h.services)
      out.push(
        define('service', { use: 'cmp-service', host_name: nagiosName(h.name), service_description: nagiosName(s) }),
      );
  }
  return out.join('\n');
}
