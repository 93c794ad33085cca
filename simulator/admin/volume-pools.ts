import { Hono } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import type { SimCloud } from '../core/cloud';
import { SimHttpError } from '../core/errors';
import { readJsonBody } from '../core/http';
import type { BackendPool } from '../volume/types';

const err = (status: number, message: string) => new SimHttpError(status, { error: { code: status, message } });

/**
 * Cinder backend pools: in a real cloud they come from cinder.conf; here the admin API adds them.
 *   GET    /volume-pools                 every pool with its capacity and what volumes allocate
 *   POST   /volume-pools                 { backend, pool?, totalCapacityGb, storageProtocol?, reservedPercentage? }
 *   DELETE /volume-pools/{name}          a pool no volume is on (409 otherwise)
 */
export function volumePoolRoutes(cloud: SimCloud): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const volume = () => cloud.service('volume');
  const view = (p: BackendPool) => ({ ...p, allocatedGb: volume().allocatedGb(p.name) });

  app.get('/volume-pools', (c) => c.json({ pools: [...volume().pools.values()].map(view) }));
  app.post('/volume-pools', async (c) => {
    const b = (await readJsonBody(c, (m) => err(400, m))) as Record<string, unknown>;
    const name = (v: unknown, field: string) => {
      if (typeof v !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(v)) throw err(400, `${field} must be a name`);
      return v;
    };
    const backend = name(b.backend, 'backend');
    const pool = b.pool === undefined ? backend : name(b.pool, 'pool');
    const total = b.totalCapacityGb;
    if (typeof total !== 'number' || !Number.isInteger(total) || total < 1)
      throw err(400, 'totalCapacityGb must be a positive integer');
    const reserved = b.reservedPercentage ?? 0;
    if (typeof reserved !== 'number' || reserved < 0 || reserved > 100)
      throw err(400, 'reservedPercentage must be in [0, 100]');
    const entry: BackendPool = {
      name: `sim@${backend}#${pool}`,
      backend,
      totalCapacityGb: total,
      storageProtocol: typeof b.storageProtocol === 'string' ? b.storageProtocol : 'iSCSI',
      reservedPercentage: reserved,
    };
    if (volume().pools.has(entry.name)) throw err(409, `pool ${entry.name} exists`);
    volume().pools.set(entry.name, entry);
    return c.json({ pool: view(entry) }, 201);
  });
  app.delete('/volume-pools/:name', (c) => {
    const name = c.req.param('name');
    if (!volume().pools.has(name)) throw err(404, `pool ${name} not found`);
    if ([...volume().volumes.values()].some((v) => v.host === name)) throw err(409, `volumes are on pool ${name}`);
    volume().pools.delete(name);
    return c.body(null, 204);
  });
  return app;
}
