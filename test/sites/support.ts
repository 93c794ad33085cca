import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '../support/eventually';
import type { TestPlatform } from '../support/platform';

/** A tar.gz of the files given (path → content, or a symbolic link), made with tar from a scratch directory in `work`. */
export function tarGz(work: string, name: string, files: Record<string, string | { link: string }>): Buffer {
  const dir = path.join(work, `${name}-src`);
  mkdirSync(dir, { recursive: true });
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    if (typeof content === 'string') writeFileSync(path.join(dir, p), content);
    else symlinkSync(content.link, path.join(dir, p));
  }
  const out = path.join(work, `${name}.tar.gz`);
  execFileSync('tar', ['-czf', out, '-C', dir, '.']);
  return readFileSync(out);
}

/** A site ordered by `token`, approved by `admin`, and waited for until its order ended (delivered or failed). */
export async function orderSiteApproved(
  platform: TestPlatform,
  admin: string,
  token: string,
  body: Record<string, unknown>,
): Promise<{ id: string; order: any; site: any }> {
  const ordered = await platform.call('POST', '/api/v1/sites', { token, body });
  if (ordered.status !== 201) throw new Error(`site order answered ${ordered.status}: ${JSON.stringify(ordered.body)}`);
  await eventually(
    () => platform.call('GET', `/api/v1/orders/${ordered.body.orderId}`, { token: admin }),
    (r) => r.body.status === 'pending_approval',
  );
  await platform.call('POST', `/api/v1/orders/${ordered.body.orderId}/approve`, {
    token: admin,
    body: { reason: 't' },
  });
  const order = await eventually(
    () => platform.call('GET', `/api/v1/orders/${ordered.body.orderId}`, { token: admin }),
    (r) => r.body.status === 'delivered' || r.body.status === 'failed',
  );
  const site = await platform.call('GET', `/api/v1/sites/${ordered.body.site.id}`, { token });
  return { id: ordered.body.site.id as string, order: order.body, site: site.body };
}
