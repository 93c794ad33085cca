import type { Context, Hono } from 'hono';
import type { AuthEnv } from '../../core/auth-context';
import type { SimHttpError } from '../../core/errors';
import { badRequest } from '../errors';
import type { Caller } from '../model';
import { bodyOf, reqOf } from './context';

interface WithMetadata {
  id: string;
  metadata: Record<string, string>;
  updated_at: string | null;
}

/**
 * Cinder's metadata API of a volume or a snapshot under `<path>/:id/metadata[/:key]`: show, add (POST),
 * replace (PUT), and one item's show, set and delete.
 */
export function metadataRoutes<T extends WithMetadata>(
  app: Hono<AuthEnv>,
  path: string,
  find: (caller: Caller, id: string) => T,
  touch: (rec: T) => void,
  missingKey: (rec: T, key: string) => SimHttpError,
): void {
  const rec = (c: Context<AuthEnv>) => find(reqOf(c).caller, c.req.param('id')!);
  const metaBody = async (c: Context<AuthEnv>, key: 'metadata' | 'meta') => {
    const b = (await bodyOf(c))[key];
    if (!b || typeof b !== 'object' || Array.isArray(b)) throw badRequest('Malformed request body');
    return Object.fromEntries(Object.entries(b).map(([k, v]) => [k, String(v)]));
  };
  app.get(`${path}/:id/metadata`, (c) => c.json({ metadata: rec(c).metadata }));
  app.post(`${path}/:id/metadata`, async (c) => {
    const r = rec(c);
    r.metadata = { ...r.metadata, ...(await metaBody(c, 'metadata')) };
    touch(r);
    return c.json({ metadata: r.metadata });
  });
  app.put(`${path}/:id/metadata`, async (c) => {
    const r = rec(c);
    r.metadata = await metaBody(c, 'metadata');
    touch(r);
    return c.json({ metadata: r.metadata });
  });
  app.get(`${path}/:id/metadata/:key`, (c) => {
    const r = rec(c);
    const key = c.req.param('key');
    if (!(key in r.metadata)) throw missingKey(r, key);
    return c.json({ meta: { [key]: r.metadata[key] } });
  });
  app.put(`${path}/:id/metadata/:key`, async (c) => {
    const r = rec(c);
    const m = await metaBody(c, 'meta');
    const key = c.req.param('key');
    if (Object.keys(m).length !== 1 || !(key in m)) throw badRequest('Request body and URI mismatch');
    r.metadata = { ...r.metadata, ...m };
    touch(r);
    return c.json({ meta: m });
  });
  app.delete(`${path}/:id/metadata/:key`, (c) => {
    const r = rec(c);
    const key = c.req.param('key');
    if (!(key in r.metadata)) throw missingKey(r, key);
    const { [key]: _gone, ...rest } = r.metadata;
    r.metadata = rest;
    touch(r);
    return c.body(null, 200);
  });
}
