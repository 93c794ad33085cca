import { createServer, type Server } from 'node:http';
import { DnsApiError, HttpDnsProvider } from '../../activities/sites/dns-provider';
import { SiteNameError } from '../../activities/sites/front-door';
import { frontDoorFromConfig } from '../../activities/sites/front-door-settings';
import { LocalFrontDoor } from '../../activities/sites/front-door';
import { parseConfig } from '../../config';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  contentType?: string;
  body: string;
}

const token = 'dns-secret-token-4f1c';

/** A fake DNS provider API on loopback: records in a map, the bearer token checked, every request kept. */
async function fakeApi(): Promise<{ server: Server; url: string; seen: Seen[]; records: Map<string, unknown> }> {
  const seen: Seen[] = [];
  const records = new Map<string, unknown>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += String(d)));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
      });
      const reply = (status: number, value?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(value === undefined ? '' : JSON.stringify(value));
      };
      if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { error: 'unauthorized' });
      const m = req.url!.match(/^\/v1\/records\/([^/]+)$/);
      if (!m) return reply(404, { error: 'no route' });
      const name = decodeURIComponent(m[1]);
      if (name === 'forbidden.example.test') return reply(403, { error: 'not your zone' });
      if (req.method === 'PUT') {
        records.set(name, JSON.parse(body));
        return reply(200, { name, ...(JSON.parse(body) as object) });
      }
      if (req.method === 'GET') return records.has(name) ? reply(200, records.get(name)) : reply(404, {});
      if (req.method === 'DELETE') return records.delete(name) ? reply(204) : reply(404, {});
      reply(405);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/`, seen, records };
}

describe('HttpDnsProvider: the sites’ public names through a DNS provider’s HTTP API', () => {
  let api: Awaited<ReturnType<typeof fakeApi>>;
  beforeAll(async () => {
    api = await fakeApi();
  });
  afterAll(() => {
    api.server.closeAllConnections();
    api.server.close();
  });

  it('PUTs, GETs and DELETEs the record with the bearer token and a JSON body', async () => {
    const dns = new HttpDnsProvider({ url: api.url, token });
    await dns.point('Shop.Example.Test', { address: '203.0.113.7', port: 80 });
    expect(api.seen.at(-1)).toEqual({
      method: 'PUT',
      url: '/v1/records/shop.example.test',
      authorization: `Bearer ${token}`,
      contentType: 'application/json',
      body: JSON.stringify({ type: 'A', address: '203.0.113.7', port: 80 }),
    });
    expect(await dns.target('shop.example.test')).toEqual({ address: '203.0.113.7', port: 80 });
    expect(api.seen.at(-1)).toMatchObject({ method: 'GET', authorization: `Bearer ${token}`, body: '' });
    await dns.point('v6.example.test', { address: '2001:db8::1', port: 8080 });
    expect(JSON.parse(api.seen.at(-1)!.body)).toEqual({ type: 'AAAA', address: '2001:db8::1', port: 8080 });

    await dns.remove('shop.example.test');
    expect(api.seen.at(-1)).toMatchObject({ method: 'DELETE', url: '/v1/records/shop.example.test' });
    expect(await dns.target('shop.example.test')).toBeNull();
    // Removing a name already gone is fine.
    await dns.remove('shop.example.test');
  });

  it('refuses a bad name or a target that is not an IP address without calling the API', async () => {
    const dns = new HttpDnsProvider({ url: api.url, token });
    const before = api.seen.length;
    await expect(dns.point('a b.test', { address: '203.0.113.7', port: 80 })).rejects.toBeInstanceOf(SiteNameError);
    await expect(dns.point('x.test', { address: 'lb.example.test', port: 80 })).rejects.toBeInstanceOf(SiteNameError);
    await expect(dns.remove('x/../y')).rejects.toBeInstanceOf(SiteNameError);
    expect(api.seen.length).toBe(before);
  });

  it('an API refusal fails for good, a wrong token too, and neither message holds the token', async () => {
    const dns = new HttpDnsProvider({ url: api.url, token });
    const refused = await dns.point('forbidden.example.test', { address: '203.0.113.7', port: 80 }).catch((e) => e);
    expect(refused).toBeInstanceOf(DnsApiError);
    expect(refused).toMatchObject({ status: 403, retryable: false });
    const wrong = await new HttpDnsProvider({ url: api.url, token: 'other' })
      .point('shop.example.test', { address: '203.0.113.7', port: 80 })
      .catch((e) => e);
    expect(wrong).toMatchObject({ status: 401, retryable: false });
    for (const e of [refused, wrong]) expect(`${e.message} ${e.stack}`).not.toContain(token);
    expect(JSON.stringify(dns)).not.toContain(token);
    const down = await new HttpDnsProvider({ url: 'http://127.0.0.1:1/', token }).target('x.test').catch((e) => e);
    expect(down).toMatchObject({ retryable: true });
    expect(down.message).not.toContain(token);
  });

  it('is the router when SITES_DNS_API_URL is set; the local front door otherwise', () => {
    const base = { DATA_DIR: '/tmp/cmp-dns-test' };
    const withApi = parseConfig({ ...base, SITES_DNS_API_URL: api.url, SITES_DNS_API_TOKEN: token });
    expect(frontDoorFromConfig(withApi, '/tmp/x')).toBeInstanceOf(HttpDnsProvider);
    const local = parseConfig(base);
    expect(local.SITES_FRONT_DOOR_PORT).toBe(8481);
    const door = frontDoorFromConfig(local, '/tmp/x');
    expect(door).toBeInstanceOf(LocalFrontDoor);
    expect((door as LocalFrontDoor).port).toBe(8481);
  });
});
