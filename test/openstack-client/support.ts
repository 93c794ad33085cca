import { startSimulator, type RunningSimulator } from '../../simulator/server';
import {
  createOpenStackClient,
  isNotFound,
  passwordCloud,
  TokenCache,
  type OpenStackClient,
  type SessionOptions,
} from '../../activities/openstack';
import { specCheckingFetch } from './spec-checking-fetch';

export interface SimFixture {
  sim: RunningSimulator;
  client: OpenStackClient;
  /** A new client of the same admin login with its own token cache. */
  newClient(opts?: SessionOptions): OpenStackClient;
  admin(method: string, path: string, body?: unknown): Promise<Response>;
  /** Simulator answers that did not validate against the shared specs. */
  specProblems: string[];
}

/** Starts the in-process simulator (fast transitions) and an admin client for it. */
export async function startFixture(): Promise<SimFixture> {
  const sim = await startSimulator({ buildMs: 30, actionMs: 20, migrateMs: 50, evacuateMs: 50 });
  const config = passwordCloud({
    authUrl: `${sim.url}/identity/v3`,
    username: 'admin',
    password: 'secret',
    projectName: 'admin',
  });
  const specProblems: string[] = [];
  const newClient = (opts?: SessionOptions) =>
    createOpenStackClient(config, {
      tokenCache: new TokenCache(),
      timeoutMs: 10_000,
      fetch: specCheckingFetch(specProblems),
      ...opts,
    });
  return {
    sim,
    client: newClient(),
    newClient,
    specProblems,
    admin: (method, path, body) =>
      fetch(`${sim.url}/sim-admin${path}`, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}

/** The smallest image (cirros when seeded) and the smallest flavor whose disk holds it. */
export async function bootable(client: OpenStackClient) {
  const images = (await client.image.listImages({ status: 'active' })).sort((a, b) => (a.size ?? 0) - (b.size ?? 0));
  const image = images.find((i) => String(i.name).startsWith('cirros')) ?? images[0]!;
  const needGb = Math.max(1, image.min_disk ?? 0, Math.ceil((image.size ?? 0) / 1024 ** 3));
  const ramMb = image.min_ram ?? 0;
  const flavor = (await client.compute.listFlavors())
    .filter((f) => f.disk >= needGb && f.ram >= ramMb)
    .sort((a, b) => a.ram - b.ram || a.disk - b.disk)[0]!;
  const networks = await client.network.listNetworks();
  const network = networks.find((n) => !n['router:external']) ?? networks[0]!;
  return { image, flavor, network };
}

/**
 * Polls `get` until `statusOf` answers one of `target` (a 404 reads as DELETED); a status in
 * `failOn` or running out of time fails with the last status seen.
 */
export async function waitForStatus<T>(
  get: () => Promise<T>,
  statusOf: (t: T) => string,
  target: string[],
  opts: { pollMs?: number; timeoutMs?: number; failOn?: string[]; onPoll?: (status: string) => void } = {},
): Promise<T | undefined> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  for (;;) {
    let current: T | undefined;
    let status: string;
    try {
      current = await get();
      status = statusOf(current);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      status = 'DELETED';
    }
    opts.onPoll?.(status);
    if (target.some((t) => t.toLowerCase() === status.toLowerCase())) return current;
    if ((opts.failOn ?? ['ERROR']).some((t) => t.toLowerCase() === status.toLowerCase()))
      throw Object.assign(new Error(`reached ${status} waiting for ${target.join('/')}`), {
        kind: 'failed',
        lastStatus: status,
      });
    if (Date.now() > deadline)
      throw Object.assign(new Error(`still ${status} waiting for ${target.join('/')}`), {
        kind: 'timeout',
        lastStatus: status,
      });
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 20));
  }
}

export const serverStatus = (
  client: OpenStackClient,
  id: string,
  target: string[],
  opts?: Parameters<typeof waitForStatus>[3],
) =>
  waitForStatus(
    () => client.compute.getServer(id),
    (s) => s.status,
    target,
    opts,
  );
export const volumeStatus = (
  client: OpenStackClient,
  id: string,
  target: string[],
  opts?: Parameters<typeof waitForStatus>[3],
) =>
  waitForStatus(
    () => client.blockStorage.getVolume(id),
    (v) => v.status,
    target,
    { failOn: ['error'], ...opts },
  );
export const loadBalancerActive = (client: OpenStackClient, id: string, opts?: Parameters<typeof waitForStatus>[3]) =>
  waitForStatus(
    () => client.loadBalancer.getLoadBalancer(id),
    (l) => l.provisioning_status,
    ['ACTIVE'],
    opts,
  );
/** The server's migration `migrationId` (or its newest) until it ends (completed, confirmed, finished, done). */
export const migrationDone = (
  client: OpenStackClient,
  serverId: string,
  migrationId?: number,
  opts?: Parameters<typeof waitForStatus>[3],
) =>
  waitForStatus(
    async () => {
      const all = await client.compute.listMigrations({ instance_uuid: serverId });
      const m = migrationId === undefined ? all.sort((a, b) => b.id - a.id)[0] : all.find((x) => x.id === migrationId);
      if (!m) throw new Error(`no migration of server ${serverId}`);
      return m;
    },
    (m) => m.status,
    ['completed', 'confirmed', 'finished', 'done'],
    { failOn: ['error', 'failed', 'cancelled', 'aborted'], ...opts },
  );
