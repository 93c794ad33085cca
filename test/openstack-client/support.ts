import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { createOpenStackClient, passwordCloud, TokenCache, type OpenStackClient, type SessionOptions } from '../../activities/openstack';
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
  const config = passwordCloud({ authUrl: `${sim.url}/identity/v3`, username: 'admin', password: 'secret', projectName: 'admin' });
  const specProblems: string[] = [];
  const newClient = (opts?: SessionOptions) =>
    createOpenStackClient(config, { tokenCache: new TokenCache(), timeoutMs: 10_000, fetch: specCheckingFetch(specProblems), ...opts });
  return {
    sim,
    client: newClient(),
    newClient,
    specProblems,
    admin: (method, path, body) =>
      fetch(`${sim.url}/sim-admin${path}`, { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }),
  };
}

/** The smallest image (cirros when seeded) and the smallest flavor whose disk holds it. */
export async function bootable(client: OpenStackClient) {
  const images = (await client.image.listImages({ status: 'active' })).sort((a, b) => (a.size ?? 0) - (b.size ?? 0));
  const image = images.find((i) => String(i.name).startsWith('cirros')) ?? images[0]!;
  const needGb = Math.max(1, image.min_disk ?? 0, Math.ceil((image.size ?? 0) / 1024 ** 3));
  const ramMb = image.min_ram ?? 0;
  const flavor = (await client.compute.listFlavors()).filter((f) => f.disk >= needGb && f.ram >= ramMb).sort((a, b) => a.ram - b.ram || a.disk - b.disk)[0]!;
  const networks = await client.network.listNetworks();
  const network = networks.find((n) => !n['router:external']) ?? networks[0]!;
  return { image, flavor, network };
}
