import { createOpenStackClient, passwordCloud, TokenCache, type CloudConfig, type OpenStackLogger } from './index';
import { OpenStackTimeoutError } from './errors';
import { startStubCloud, type StubHandler } from './testing/stub-cloud';

type Stub = Awaited<ReturnType<typeof startStubCloud>>;

function capturingLogger() {
  const lines: string[] = [];
  const log = (level: string) => (message: string, attrs?: Record<string, unknown>) =>
    lines.push(`${level} ${message} ${JSON.stringify(attrs ?? {})}`);
  const logger: OpenStackLogger = { debug: log('debug'), info: log('info'), warn: log('warn') };
  return { lines, logger };
}

/** The unversioned request a session makes once per service to read its newest microversion. */
const isVersionDocument = (path: string) => /\/(compute|volume)\/v[0-9.]+$/.test(path);

let stub: Stub;
let handler: StubHandler = () => undefined;
beforeAll(async () => {
  stub = await startStubCloud((r) => handler(r));
});
afterAll(() => stub.close());
beforeEach(() => {
  stub.requests.length = 0;
});

const config = (over: Partial<CloudConfig> = {}, password = 'pw-SECRET-1'): CloudConfig => ({
  ...passwordCloud({ authUrl: stub.authUrl, username: 'admin', password, projectName: 'admin' }),
  ...over,
});

describe('Session', () => {
  it('finds endpoints by type alias and interface, honours overrides and sends microversion headers', async () => {
    handler = (r) =>
      r.path.endsWith('/servers/s1')
        ? { body: { server: { id: 's1', status: 'ACTIVE' } } }
        : r.path.endsWith('/volumes/v1')
          ? { body: { volume: { id: 'v1' } } }
          : undefined;
    const client = createOpenStackClient(config({ interface: 'internal' }), {
      tokenCache: new TokenCache(),
      microversions: { compute: '2.90' },
    });
    await client.compute.getServer('s1');
    await client.blockStorage.getVolume('v1');
    const [nova, cinder] = stub.requests.filter((r) => !r.path.includes('auth') && !isVersionDocument(r.path));
    expect(nova!.path).toBe('/internal/compute/v2.1/servers/s1');
    expect(nova!.headers['openstack-api-version']).toBe('compute 2.90');
    expect(nova!.headers['x-openstack-nova-api-version']).toBe('2.90');
    expect(cinder!.path).toBe('/internal/volume/v3/p1/volumes/v1');
    expect(cinder!.headers['openstack-api-version']).toBe('volume 3.60');

    const overridden = createOpenStackClient(config({ endpointOverrides: { network: `${stub.url}/elsewhere` } }), {
      tokenCache: new TokenCache(),
    });
    handler = () => ({ body: { networks: [] } });
    await overridden.network.listNetworks();
    expect(stub.requests.at(-1)!.path).toBe('/elsewhere/v2.0/networks');
  });

  it('reads the newest microversion of each service once and never asks for a newer one', async () => {
    handler = (r) =>
      r.path.endsWith('/compute/v2.1')
        ? { body: { version: { id: 'v2.1', status: 'CURRENT', version: '2.79', min_version: '2.1' } } }
        : r.path.includes('/servers/')
          ? { body: { server: { id: 's', status: 'ACTIVE' } } }
          : undefined;
    const client = createOpenStackClient(config(), {
      tokenCache: new TokenCache(),
      microversions: { compute: '2.90' },
    });
    await client.compute.getServer('s');
    await client.compute.getServer('s');
    expect(stub.requests.filter((r) => r.path.endsWith('/compute/v2.1'))).toHaveLength(1);
    const sent = stub.requests
      .filter((r) => r.path.endsWith('/servers/s'))
      .map((r) => r.headers['openstack-api-version']);
    expect(sent).toEqual(['compute 2.79', 'compute 2.79']);
    expect(await client.session.newestMicroversion('compute')).toBe('2.79');
    expect(await client.session.newestMicroversion('block-storage')).toBeUndefined();
  });

  it('shares one token between sessions of the same credentials and reissues once after a 401', async () => {
    handler = () => ({ body: { flavors: [] } });
    const cache = new TokenCache();
    const a = createOpenStackClient(config(), { tokenCache: cache });
    const b = createOpenStackClient(config(), { tokenCache: cache });
    await Promise.all([a.compute.listFlavors(), b.compute.listFlavors()]);
    expect(stub.requests.filter((r) => r.path.endsWith('/auth/tokens'))).toHaveLength(1);

    stub.revokeAll();
    await a.compute.listFlavors();
    const tail = stub.requests.slice(-3).map((r) => `${r.method} ${r.path} ${r.headers['x-auth-token'] ?? ''}`);
    expect(tail[0]).toMatch(/GET \/compute\/v2.1\/flavors\/detail token-/);
    expect(tail[1]).toMatch(/POST \/identity\/v3\/auth\/tokens/);
    expect(tail[2]).toMatch(/GET \/compute\/v2.1\/flavors\/detail token-/);
    expect(tail[2]).not.toBe(tail[0]);
  });

  it('reissues a token that is about to expire before using it', async () => {
    handler = () => ({ body: { flavors: [] } });
    // Tokens from the stub live an hour; a two-hour margin makes every cached one "about to expire".
    const client = createOpenStackClient(config(), { tokenCache: new TokenCache(2 * 3600_000) });
    await client.compute.listFlavors();
    await client.compute.listFlavors();
    const tokens = stub.requests
      .filter((r) => r.path.endsWith('/flavors/detail'))
      .map((r) => r.headers['x-auth-token']);
    expect(stub.requests.filter((r) => r.path.endsWith('/auth/tokens'))).toHaveLength(2);
    expect(tokens[0]).not.toBe(tokens[1]);
  });

  it('turns a slow answer into OpenStackTimeoutError', async () => {
    handler = () => ({ body: { routers: [] }, delayMs: 1000 });
    const client = createOpenStackClient(config(), { tokenCache: new TokenCache(), timeoutMs: 150 });
    const started = Date.now();
    await expect(client.network.listRouters()).rejects.toBeInstanceOf(OpenStackTimeoutError);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('follows Neutron *_links and Glance next links across pages', async () => {
    handler = (r) => {
      if (r.path === '/network/v2.0/ports') {
        return r.query.get('marker')
          ? { body: { ports: [{ id: 'c' }] } }
          : {
              body: {
                ports: [{ id: 'a' }, { id: 'b' }],
                ports_links: [{ rel: 'next', href: `http://public.example/network/v2.0/ports?limit=2&marker=b` }],
              },
            };
      }
      if (r.path === '/image/v2/images') {
        return r.query.get('marker')
          ? { body: { images: [{ id: 'i3' }] } }
          : { body: { images: [{ id: 'i1' }, { id: 'i2' }], next: '/v2/images?marker=i2&limit=2' } };
      }
      return undefined;
    };
    const client = createOpenStackClient(config(), { tokenCache: new TokenCache() });
    expect((await client.network.listPorts()).map((p) => p.id)).toEqual(['a', 'b', 'c']);
    expect((await client.image.listImages()).map((i) => i.id)).toEqual(['i1', 'i2', 'i3']);
  });

  it('logs request ids but never passwords, tokens, adminPass or credential secrets', async () => {
    handler = (r) => (r.path.endsWith('/action') ? { status: 202 } : { body: { servers: [] } });
    const { lines, logger } = capturingLogger();
    const client = createOpenStackClient(config({}, 'pw-SECRET-2'), { tokenCache: new TokenCache(), logger });
    await client.compute.changePassword('s1', 'ADMIN-PASS-SECRET');
    await client.compute.listServers();
    const appCred = createOpenStackClient(
      {
        ...config(),
        auth: {
          type: 'v3applicationcredential',
          authUrl: stub.authUrl,
          applicationCredentialId: 'ac1',
          applicationCredentialSecret: 'APP-SECRET',
        },
      },
      { tokenCache: new TokenCache(), logger },
    );
    await appCred.compute.listServers();
    const text = lines.join('\n');
    expect(text).toMatch(/req-stub-\d+/);
    expect(text).toContain('changePassword');
    for (const secret of ['pw-SECRET-2', 'ADMIN-PASS-SECRET', 'APP-SECRET', 'token-'])
      expect(text).not.toContain(secret);
    // The secrets really were sent.
    expect(JSON.stringify(stub.requests.map((r) => r.body))).toContain('ADMIN-PASS-SECRET');
  });
});
