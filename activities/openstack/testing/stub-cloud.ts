import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: any;
}

export type StubHandler = (
  req: StubRequest,
) => { status?: number; body?: unknown; headers?: Record<string, string>; delayMs?: number } | undefined;

/**
 * A loopback Keystone + service stub for unit tests of the client: `/v3/auth/tokens` issues
 * `token-<n>` with a catalog pointing every service at this server, and every other request
 * goes to `handler`. Tests only; not a simulator.
 */
export async function startStubCloud(handler: StubHandler, opts: { catalogTypes?: Record<string, string> } = {}) {
  const requests: StubRequest[] = [];
  let issued = 0;
  const validTokens = new Set<string>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const r: StubRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: raw ? safeJson(raw) : undefined,
      };
      requests.push(r);
      if (r.path === '/identity/v3/auth/tokens' && r.method === 'POST') {
        const value = `token-${++issued}`;
        validTokens.add(value);
        const types = opts.catalogTypes ?? {
          compute: '/compute/v2.1',
          network: '/network',
          volumev3: '/volume/v3/p1',
          image: '/image',
          'load-balancer': '/load-balancer',
          identity: '/identity/v3',
        };
        const catalog = Object.entries(types).map(([type, p]) => ({
          type,
          endpoints: ['public', 'internal'].map((i) => ({
            interface: i,
            region_id: 'RegionOne',
            region: 'RegionOne',
            url: `${base}${i === 'internal' ? '/internal' : ''}${p}`,
          })),
        }));
        res.writeHead(201, { 'Content-Type': 'application/json', 'X-Subject-Token': value });
        res.end(
          JSON.stringify({
            token: {
              expires_at: new Date(Date.now() + 3600_000).toISOString(),
              project: { id: 'p1', name: 'admin' },
              user: { id: 'u1' },
              roles: [{ name: 'admin' }],
              catalog,
            },
          }),
        );
        return;
      }
      if (!validTokens.has(String(req.headers['x-auth-token']))) {
        res.writeHead(401, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
          }),
        );
        return;
      }
      const out = handler(r) ?? {
        status: 404,
        body: { itemNotFound: { code: 404, message: 'stub has no such route' } },
      };
      if (out.delayMs) await new Promise((resolve) => setTimeout(resolve, out.delayMs));
      if (res.destroyed) return;
      const body = out.body === undefined ? '' : typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
      res.writeHead(out.status ?? 200, {
        'Content-Type': 'application/json',
        'X-OpenStack-Request-Id': `req-stub-${requests.length}`,
        ...out.headers,
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    authUrl: `${base}/identity/v3`,
    requests,
    revokeAll: () => validTokens.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
