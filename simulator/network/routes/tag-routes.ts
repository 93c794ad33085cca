import { Hono, type Context } from 'hono';
import type { AuthEnv } from '../../core/auth-context';
import { neutronError } from '../../core/errors';
import type { NetworkStore } from '../store';
import { addTag, removeTag, replaceTags, taggedRecord } from '../tags';
import { callerOf, jsonBody } from './http';

/** `/v2.0/{networks,subnets,ports,routers,floatingips,security-groups,qos/policies}/{id}/tags[/{tag}]`. */
export function tagRoutes(s: NetworkStore): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const record = (c: Context<AuthEnv>, modify: boolean) => {
    const collection = c.req.param('collection') ?? 'policies';
    const rec = taggedRecord(s, callerOf(c), collection, c.req.param('id')!, modify);
    if (!rec) throw neutronError(404, 'HTTPNotFound', 'The resource could not be found.');
    return rec;
  };
  for (const prefix of ['/v2.0/:collection/:id/tags', '/v2.0/qos/policies/:id/tags']) {
    app.get(prefix, (c) => c.json({ tags: record(c, false).tags }));
    app.put(prefix, async (c) => c.json({ tags: replaceTags(s, record(c, true), await jsonBody(c)) }));
    app.delete(prefix, (c) => {
      const rec = record(c, true);
      rec.tags = [];
      s.touch(rec);
      return c.body(null, 204);
    });
    app.get(`${prefix}/:tag`, (c) => {
      const rec = record(c, false);
      if (!rec.tags.includes(c.req.param('tag')!))
        throw neutronError(404, 'TagNotFound', `Tag ${c.req.param('tag')} could not be found.`);
      return c.body(null, 204);
    });
    app.put(`${prefix}/:tag`, (c) => {
      addTag(s, record(c, true), c.req.param('tag')!);
      return c.body(null, 201);
    });
    app.delete(`${prefix}/:tag`, (c) => {
      removeTag(s, record(c, true), c.req.param('tag')!);
      return c.body(null, 204);
    });
  }
  return app;
}
