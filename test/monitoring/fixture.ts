import { CloudResource } from '../../domain/entities';
import type { Orm } from '../../domain/db/orm';
import type { RunningSimulator } from '../../simulator/server';

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until `ok` holds or `ms` pass (then throws with the last value). */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 30_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v).slice(0, 1500)}`);
    await pause(everyMs);
  }
}

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
