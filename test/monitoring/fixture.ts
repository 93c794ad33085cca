import { CloudResource } from '../../domain/entities';
import type { Orm } from '../../domain/db/orm';
import type { RunningSimulator } from '../../simulator/server';
import { waitFor as pollUntil } from '../autoscaling/cloud-fixture';

/** The suites' poll-until helper, with this folder's longer default (alarms go through Prometheus and Alertmanager). */
export const waitFor = <T>(
  what: string,
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 30_000,
  everyMs = 200,
): Promise<T> => pollUntil(what, fn, ok, ms, everyMs);

/** `count` ACTIVE servers seeded straight into the simulator; answers their ids. */
export async function seedServers(sim: RunningSimulator, namePrefix: string, count = 1): Promise<string[]> {
  const r = await fetch(`${sim.url}/sim-admin/servers/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count, namePrefix }),
  });
  if (r.status !== 201) throw new Error(`seed failed: ${r.status} ${await r.text()}`);
  return [...sim.cloud.service('compute').store.servers.values()]
    .filter((s) => !s.deleted && s.name.startsWith(`${namePrefix}-`))
    .map((s) => s.id);
}

export async function setServerLoad(sim: RunningSimulator, id: string, load: Record<string, number>): Promise<void> {
  const r = await fetch(`${sim.url}/sim-admin/servers/${id}/load`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(load),
  });
  if (r.status !== 200) throw new Error(`load failed: ${r.status} ${await r.text()}`);
}

/** Records the server as the tenant's, as provisioning does; answers the platform id. */
export async function ownServer(orm: Orm, tenantId: string, openstackId: string, name = 'vm'): Promise<string> {
  const em = orm.em.fork();
  const r = Object.assign(new CloudResource(), {
    tenantId,
    kind: 'server' as const,
    openstackId,
    name,
    status: 'active' as const,
  });
  await em.persistAndFlush(r);
  return r.id;
}
