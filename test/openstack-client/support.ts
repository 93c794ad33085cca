import { startSimulator, type RunningSimulator } from '../../simulator/server';
import { createOpenStackClient, passwordCloud, TokenCache, type OpenStackClient, type SessionOptions } from '../../activities/openstack';

export interface SimFixture {
  sim: RunningSimulator;
  client: OpenStackClient;
  /** A new client of the same admin login with its own token cache. */
  newClient(opts?: SessionOptions): OpenStackClient;
  admin(method: string, path: string, body?: unknown): Promise<Response>;
}

/** Starts the in-process simulator (fast transitions) and an admin client for it. */
export async function startFixture(): Promise<SimFixture> {
  const sim = await startSimulator({ buildMs: 30, actionMs: 20, migrateMs: 50, evacuateMs: 50 });
  const config = passwordCloud({ authUrl: `${sim.url}/identity/v3`, username: 'admin', password: 'secret', projectName: 'admin' });
  const newClient = (opts?: SessionOptions) => createOpenStackClient(config, { tokenCache: new TokenCache(), timeoutMs: 10_000, ...opts });
  return {
    sim,
    client: newClient(),
    newClient,
    admin: (method, path, body) =>
      fetch(`${sim.url}/sim-admin${path}`, { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }),
  };
}
