import { request } from 'node:http';

/**
 * GET http://address:port/path with the site's Host header; the body is read up to 64 KiB. A connection of its own
 * each time (no keep-alive): through a load balancer each check takes its own way to a member.
 */
export function httpGet(
  address: string,
  port: number,
  hostname: string,
  urlPath: string,
  timeoutMs = 5000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: address, port, path: urlPath, headers: { host: hostname }, timeout: timeoutMs, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          if (body.length < 65_536) body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
