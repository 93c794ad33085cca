import type { ObjectType } from './catalog';
import { hostGroups, nagiosName, type NagiosHost } from './nagios-objects';

/** Where an object of the platform lives in Nagios: a host, and for a switch port the port's prefix on its switch. */
export function nagiosPlace(
  type: ObjectType,
  id: string,
): { host: string; prefix: string; group: string; alias: string } {
  if (type === 'host') return { host: nagiosName(id), prefix: '', group: hostGroups.host, alias: `compute host ${id}` };
  if (type === 'server')
    return { host: nagiosName(`server-${id}`), prefix: '', group: hostGroups.server, alias: `server ${id}` };
  if (type === 'storage')
    return { host: nagiosName(`storage-${id}`), prefix: '', group: hostGroups.storage, alias: `storage backend ${id}` };
  const [sw, port] = id.split('/');
  return {
    host: nagiosName(sw ?? id),
    prefix: `${nagiosName(port ?? '')}-`,
    group: hostGroups.switch,
    alias: `switch ${sw}`,
  };
}

/** The state services each object type has in Nagios (besides its alarm services). */
export const stateServices: Record<ObjectType, string[]> = {
  host: ['cpu'],
  server: ['cpu'],
  storage: ['capacity', 'latency'],
  switch_port: ['status'],
};

export const PLATFORM_HOST = 'cmp-platform';
export const platformServices = ['api', 'prometheus', 'alertmanager', 'worker-notify'];

/** Nagios service of an alarm rule on one object. */
export const alarmService = (ruleName: string, prefix = '') => nagiosName(`${prefix}alarm-${ruleName}`);

export interface MirrorRule {
  id: string;
  name: string;
  objectType: ObjectType;
  /** Objects it watches (resolved from its selector against what is monitored). */
  objectIds: string[];
}

/** The Nagios hosts and services mirroring these objects, rules and the platform itself. */
export function mirrorHosts(objects: Array<{ type: ObjectType; id: string }>, rules: MirrorRule[]): NagiosHost[] {
  const hosts = new Map<string, NagiosHost>();
  const hostOf = (place: ReturnType<typeof nagiosPlace>) => {
    let h = hosts.get(place.host);
    if (!h) hosts.set(place.host, (h = { name: place.host, alias: place.alias, group: place.group, services: [] }));
    return h;
  };
  for (const o of objects) {
    const place = nagiosPlace(o.type, o.id);
    hostOf(place).services.push(...stateServices[o.type].map((s) => nagiosName(`${place.prefix}${s}`)));
  }
  for (const r of rules)
    for (const id of r.objectIds) {
      const place = nagiosPlace(r.objectType, id);
      hostOf(place).services.push(alarmService(r.name, place.prefix));
    }
  hosts.set(PLATFORM_HOST, {
    name: PLATFORM_HOST,
    alias: 'CMP platform processes',
    group: hostGroups.platform,
    services: [...platformServices],
  });
  for (const h of hosts.values()) h.services = [...new Set(h.services)].sort();
  return [...hosts.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Nagios service state from a value and its warning/critical thresholds (higher is worse). */
export function thresholdState(value: number | null | undefined, warn: number, crit: number): 0 | 1 | 2 | 3 {
  if (value === null || value === undefined || !Number.isFinite(value)) return 3;
  return value >= crit ? 2 : value >= warn ? 1 : 0;
}
