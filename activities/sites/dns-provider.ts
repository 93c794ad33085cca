import { isIP } from 'node:net';
import { checkHostname, checkTarget, SiteNameError, type SiteNameRouter, type SiteTarget } from './front-door';

export interface HttpDnsProviderSettings {
  /** The API's base URL: records are `<url>/records/<hostname>`. */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  timeoutMs?: number;
}

/** An answer of the DNS API; `retryable` is false for a refusal a retry cannot mend (4xx other than 408/429). */
export class DnsApiError extends Error {
  override name = 'DnsApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * Production's router: the DNS provider's HTTP API. PUT `<url>/records/<hostname>` `{ type, address, port }` (type A
 * for an IPv4 address, AAAA for IPv6; a DNS record names an address, not a host name), DELETE and GET the same.
 */
export class HttpDnsProvider implements SiteNameRouter {
  /** The name's A record points at the target's address: the site is found on the standard port. */
  urlOf(hostname: string): string {
    return `http://${hostname}/`;
  }

  readonly #token: string | undefined;
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(s: HttpDnsProviderSettings) {
    this.base = s.url.replace(/\/+$/, '');
    this.#token = s.token;
    this.timeoutMs = s.timeoutMs ?? 15_000;
  }

  async point(hostname: string, target: SiteTarget): Promise<void> {
    const host = checkHostname(hostname);
    const t = checkTarget(target);
    const family = isIP(t.address);
    if (!family) throw new SiteNameError(`a DNS record points at an IP address, not ${t.address}`);
    const res = await this.call('PUT', host, { type: family === 6 ? 'AAAA' : 'A', address: t.address, port: t.port });
    await res?.body?.cancel();
  }

  async remove(hostname: string): Promise<void> {
    const res = await this.call('DELETE', checkHostname(hostname), undefined, true);
    await res?.body?.cancel();
  }

  async target(hostname: string): Promise<SiteTarget | null> {
    const res = await this.call('GET', checkHostname(hostname), undefined, true);
    if (!res) return null;
    const body = (await res.json().catch(() => null)) as { address?: unknown; port?: unknown } | null;
    if (typeof body?.address !== 'string' || typeof body.port !== 'number')
      throw new DnsApiError(`the DNS API answered ${hostname}'s record without an address and port`, 502, true);
    return { address: body.address, port: body.port };
  }

  /** One request; a 404 answers null where `missingOk`. The token is only ever in the header, never in a message. */
  private async call(method: string, host: string, body?: unknown, missingOk = false): Promise<Response | null> {
    const url = `${this.base}/records/${encodeURIComponent(host)}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new DnsApiError(`DNS API ${method} ${url}: ${(e as Error).message}`, 0, true);
    }
    if (res.status === 404 && missingOk) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) {
      const text = (await res.text().catch(() => '')).slice(0, 300);
      const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
      throw new DnsApiError(`DNS API ${method} ${url} answered ${res.status}: ${text}`, res.status, retryable);
    }
    return res;
  }
}
