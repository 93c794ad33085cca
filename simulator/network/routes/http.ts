import type { Context, Hono } from 'hono';
import type { AuthEnv } from '../../core/auth-context';
import { readJsonBody } from '../../core/http';
import { badRequest } from '../errors';
import type { Caller } from '../model';
import { listBody, selectFields } from '../query';

export const callerOf = (c: Context<AuthEnv>): Caller => c.get('auth');

export const jsonBody = (c: Context<AuthEnv>): Promise<Record<string, unknown>> => readJsonBody(c, badRequest);

export function selfUrl(c: Context<AuthEnv>, collection: string): string {
  const u = new URL(c.req.url);
  const base = c.get('cloud')?.baseUrl || `${u.protocol}//${u.host}`;
  return `${base}/network/v2.0/${collection}`;
}

export interface CrudSpec<T extends { id: string }> {
  /** URL segment, e.g. `security-groups`. */
  path: string;
  /** JSON collection key, e.g. `security_groups`. */
  collection: string;
  /** JSON member key, e.g. `security_group`. */
  member: string;
  list(caller: Caller): T[];
  show(caller: Caller, id: string): T;
  create?(caller: Caller, body: unknown): T;
  update?(caller: Caller, id: string, body: unknown): T;
  remove?(caller: Caller, id: string): void;
  render?(item: T): Record<string, unknown>;
}

/** Neutron's uniform REST surface for one resource: list/filter/page, show with fields, (bulk) create, update, delete. */
export function mountCrud<T extends { id: string }>(app: Hono<AuthEnv>, spec: CrudSpec<T>): void {
  const render = (t: T) => (spec.render ? spec.render(t) : { ...t });
  const base = `/v2.0/${spec.path}`;
  app.get(base, (c) => {
    const items = spec.list(callerOf(c)).map(render) as Array<{ id: string }>;
    return c.json(listBody(spec.collection, items, c.req.queries(), selfUrl(c, spec.path)));
  });
  app.get(`${base}/:id`, (c) => {
    const item = render(spec.show(callerOf(c), c.req.param('id')));
    return c.json({ [spec.member]: selectFields(item, c.req.queries().fields) });
  });
  if (spec.create) {
    const create = spec.create;
    app.post(base, async (c) => {
      const body = await jsonBody(c);
      const bulk = body[spec.collection];
      if (Array.isArray(bulk)) {
        const made = bulk.map((one) => create(callerOf(c), { [spec.member]: one }));
        return c.json({ [spec.collection]: made.map(render) }, 201);
      }
      return c.json({ [spec.member]: render(create(callerOf(c), body)) }, 201);
    });
  }
  if (spec.update) {
    const update = spec.update;
    app.put(`${base}/:id`, async (c) => {
      const body = await jsonBody(c);
      return c.json({ [spec.member]: render(update(callerOf(c), c.req.param('id'), body)) });
    });
  }
  if (spec.remove) {
    const remove = spec.remove;
    app.delete(`${base}/:id`, (c) => {
      remove(callerOf(c), c.req.param('id'));
      return c.body(null, 204);
    });
  }
}
