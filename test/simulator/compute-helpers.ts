import type { SimClient, SimFixture } from './sim-client';
import { eventually } from './sim-client';

/** Ids the seeded cloud always has. */
export function seeded(f: SimFixture) {
  const cloud = f.sim.cloud;
  const net = [...cloud.service('network').store.networks.values()].find((n) => n.name === 'provider')!;
  const image = [...cloud.service('image').images.values()].find((i) => i.name?.startsWith('cirros'))!;
  return { networkId: net.id, imageId: image.id, adminProjectId: cloud.service('identity').findProject('admin')!.id };
}

export async function createServer(c: SimClient, f: SimFixture, extra: Record<string, unknown> = {}): Promise<string> {
  const { imageId } = seeded(f);
  const r = await c.post('/compute/v2.1/servers', {
    server: { name: 'vm', flavorRef: '1', imageRef: imageId, networks: 'none', ...extra },
  });
  if (r.status !== 202) throw new Error(`create failed ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.server.id;
}

export async function waitStatus(c: SimClient, id: string, status: string, ms = 3000): Promise<any> {
  return eventually(async () => {
    const r = await c.get(`/compute/v2.1/servers/${id}`);
    return r.body?.server?.status === status && !r.body.server['OS-EXT-STS:task_state'] ? r.body.server : undefined;
  }, ms);
}

export async function activeServer(c: SimClient, f: SimFixture, extra: Record<string, unknown> = {}): Promise<string> {
  const id = await createServer(c, f, extra);
  await waitStatus(c, id, 'ACTIVE');
  return id;
}

/** A project with a member user, and a client logged in as that user. */
export async function memberClient(
  f: SimFixture,
  name: string,
): Promise<{ client: SimClient; projectId: string; userId: string }> {
  const ids = f.sim.cloud.service('identity');
  const project = ids.createProject({ name });
  const user = ids.createUser({ name: `${name}-user`, password: 'pw' });
  ids.assignProjectRole(project.id, user.id, ids.findRole('member')!.id);
  const { login } = await import('./sim-client');
  const token = await login(f.sim.url, `${name}-user`, 'pw', name);
  return { client: f.admin.withToken(token, {}), projectId: project.id, userId: user.id };
}
