import {
  OpenStackError,
  OpenStackFailureType,
  OpenStackTimeoutError,
  toActivityFailure,
} from '../../activities/openstack';
import { bootable, serverStatus, startFixture, type SimFixture } from './support';

let f: SimFixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f?.sim.close();
});

async function failureOf(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    return { err, failure: toActivityFailure(err) };
  }
  throw new Error('expected the call to fail');
}

const firstFlavorAndImage = () => bootable(f.client);

describe('OpenStack client against the simulator', () => {
  it('authenticates, discovers every endpoint from the catalog and lists resources', async () => {
    const token = await f.client.session.token();
    expect(token.projectName).toBe('admin');
    for (const service of ['compute', 'network', 'block-storage', 'image', 'load-balancer', 'identity'] as const) {
      expect(await f.client.session.baseUrl(service)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    }
    expect((await f.client.compute.listFlavors()).length).toBeGreaterThan(0);
    expect((await f.client.network.listNetworks()).some((n) => n.name === 'public')).toBe(true);
    expect(Array.isArray(await f.client.blockStorage.listVolumes())).toBe(true);
    expect((await f.client.identity.listProjects()).some((p) => p.name === 'admin')).toBe(true);
    expect(Array.isArray(await f.client.loadBalancer.listLoadBalancers())).toBe(true);
  });

  it('reissues the token and retries once when Keystone revoked it', async () => {
    const client = f.newClient();
    const first = await client.session.token();
    await f.client.session.request('identity', 'DELETE', '/auth/tokens', {
      headers: { 'X-Subject-Token': first.value },
    });
    await client.compute.listFlavors();
    const second = await client.session.token();
    expect(second.value).not.toBe(first.value);
  });

  it('pages through servers with limit/marker and next links', async () => {
    const { flavor, image, network: net } = await firstFlavorAndImage();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await f.client.compute.createServer({
        name: `paging-${i}`,
        flavorRef: flavor.id,
        imageRef: image.id,
        networks: [{ uuid: net.id }],
      });
      ids.push(s.id);
    }
    const seen = (await f.client.compute.listServers({ name: '^paging-' }, { limit: 2 })).map((s) => s.id);
    expect(seen.sort()).toEqual([...ids].sort());
    for (const id of ids) await f.client.compute.deleteServer(id);
  });

  it('maps a 404 to a non-retryable OpenStackNotFound with the Nova fault code', async () => {
    const { err, failure } = await failureOf(f.client.compute.getServer('00000000-0000-0000-0000-000000000000'));
    expect(err).toBeInstanceOf(OpenStackError);
    expect((err as OpenStackError).status).toBe(404);
    expect((err as OpenStackError).code).toBe('itemNotFound');
    expect((err as OpenStackError).requestId).toMatch(/^req-/);
    expect(failure.type).toBe(OpenStackFailureType.NotFound);
    expect(failure.nonRetryable).toBe(true);

    const neutron = await failureOf(f.client.network.getNetwork('00000000-0000-0000-0000-000000000000'));
    expect((neutron.err as OpenStackError).code).toBe('NetworkNotFound');
    expect(neutron.failure.type).toBe(OpenStackFailureType.NotFound);
  });

  it('maps a wrong-state action (409) to a retryable OpenStackConflict', async () => {
    const { flavor, image, network: net } = await firstFlavorAndImage();
    const s = await f.client.compute.createServer({
      name: 'conflict',
      flavorRef: flavor.id,
      imageRef: image.id,
      networks: [{ uuid: net.id }],
    });
    await serverStatus(f.client, s.id, ['ACTIVE'], { pollMs: 20, timeoutMs: 10_000 });
    const { err, failure } = await failureOf(f.client.compute.start(s.id));
    expect((err as OpenStackError).status).toBe(409);
    expect((err as OpenStackError).code).toBe('conflictingRequest');
    expect(failure.type).toBe(OpenStackFailureType.Conflict);
    expect(failure.nonRetryable).toBe(false);
    await f.client.compute.deleteServer(s.id);
    await serverStatus(f.client, s.id, ['DELETED'], { pollMs: 20, timeoutMs: 10_000 });
  });

  it('maps an exceeded quota to a non-retryable OpenStackQuotaExceeded', async () => {
    const project = (await f.client.identity.listProjects({ name: 'admin' }))[0]!;
    const before = await f.client.blockStorage.getQuotaSet(project.id);
    await f.client.blockStorage.updateQuotaSet(project.id, { gigabytes: 1 });
    try {
      const { err, failure } = await failureOf(f.client.blockStorage.createVolume({ size: 5, name: 'too-big' }));
      expect([403, 413]).toContain((err as OpenStackError).status);
      expect(failure.type).toBe(OpenStackFailureType.QuotaExceeded);
      expect(failure.nonRetryable).toBe(true);
    } finally {
      await f.client.blockStorage.updateQuotaSet(project.id, { gigabytes: before.gigabytes as number });
    }
  });

  it('maps an injected 500 to a retryable OpenStackServerError', async () => {
    const res = await f.admin('POST', '/faults', { path: '/compute/v2.1/os-hypervisors', status: 500, count: 1 });
    expect(res.status).toBe(201);
    const { err, failure } = await failureOf(f.client.compute.listHypervisors());
    expect((err as OpenStackError).status).toBe(500);
    expect(failure.type).toBe(OpenStackFailureType.ServerError);
    expect(failure.nonRetryable).toBe(false);
    expect((await f.client.compute.listHypervisors()).length).toBeGreaterThan(0);
  });

  it('times out a slow answer as a retryable OpenStackTimeout', async () => {
    await f.admin('POST', '/faults', { path: '/network/v2.0/routers', latencyMs: 1000, count: 1 });
    const client = f.newClient({ timeoutMs: 200 });
    const { err, failure } = await failureOf(client.network.listRouters());
    expect(err).toBeInstanceOf(OpenStackTimeoutError);
    expect(failure.type).toBe(OpenStackFailureType.Timeout);
    expect(failure.nonRetryable).toBe(false);
  });
});
