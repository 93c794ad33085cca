import { existsSync, readFileSync } from 'node:fs';

export interface ServiceStatus {
  host: string;
  service: string;
  state: number;
  output: string;
}

/** Service blocks of Nagios's status.dat. */
export function serviceStatuses(statusFile: string): ServiceStatus[] {
  if (!existsSync(statusFile)) return [];
  const text = readFileSync(statusFile, 'utf8');
  return text
    .split('servicestatus {')
    .slice(1)
    .map((block) => {
      const kv = Object.fromEntries(
        block
          .split('}')[0]!
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      return {
        host: kv.host_name ?? '',
        service: kv.service_description ?? '',
        state: Number(kv.current_state),
        output: kv.plugin_output ?? '',
      };
    });
}

export const serviceStatus = (statusFile: string, host: string, service: string) =>
  serviceStatuses(statusFile).find((s) => s.host === host && s.service === service);
