import { hasSpecs, validateResponse, type OpenStackService } from '../support/openstack-spec';

const prefixes: Array<[string, OpenStackService]> = [
  ['/identity/', 'identity'],
  ['/compute/', 'compute'],
  ['/network/', 'network'],
  ['/volume/', 'volume'],
  ['/image/', 'image'],
  ['/load-balancer/', 'load-balancer'],
];

/**
 * A `fetch` that validates every simulator answer against the shared specs and records what
 * does not match (the client's calls keep working either way), so a suite can report the
 * simulator's disagreements with the specs.
 */
export function specCheckingFetch(problems: string[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (!hasSpecs()) return res;
    const url = new URL(String(input));
    const service = prefixes.find(([p]) => url.pathname.startsWith(p))?.[1];
    // The version documents sessions read their newest microversion from are not in the API specs.
    if (!service || /^\/(compute|volume)\/v[0-9.]+$/.test(url.pathname)) return res;
    const text = await res.clone().text();
    const headers = new Headers(init?.headers);
    const mv = headers.get('openstack-api-version')?.split(' ')[1];
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep text */
    }
    const action =
      url.pathname.endsWith('/action') && typeof init?.body === 'string'
        ? Object.keys(JSON.parse(init.body))[0]
        : undefined;
    const method = init?.method ?? 'GET';
    let r;
    try {
      r = validateResponse(service, method, url.pathname, res.status, body, { microversion: mv, action });
    } catch (err) {
      r = { ok: false, errors: `validator failed: ${(err as Error).message}` };
    }
    if (!r.ok) problems.push(`${method} ${url.pathname} ${res.status}${mv ? ` @${mv}` : ''}: ${r.errors}`);
    return res;
  };
}
