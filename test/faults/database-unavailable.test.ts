import { DriverException } from '@mikro-orm/core';
import { Hono } from 'hono';
import { onError } from '../../api/middleware/errors';

/** What a user reads when the database restarts under the API (the fault campaign's MariaDB row). */
describe('a request while the database is away', () => {
  const app = new Hono();
  app.get('/driver', () => {
    throw new DriverException(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' }),
    );
  });
  app.get('/pool', () => {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
  });
  app.get('/bug', () => {
    throw new TypeError('x is undefined');
  });
  app.onError(onError as never);

  it('is answered 503 saying the database is not reachable, not 500', async () => {
    for (const path of ['/driver', '/pool']) {
      const r = await app.request(path);
      expect([path, r.status, ((await r.json()) as { code: string }).code]).toEqual([
        path,
        503,
        'database_unavailable',
      ]);
    }
    const bug = await app.request('/bug');
    expect([bug.status, ((await bug.json()) as { message: string }).message]).toEqual([500, 'internal error']);
  });
});
