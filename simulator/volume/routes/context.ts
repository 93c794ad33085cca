import type { Context } from 'hono';
import type { AuthEnv } from '../../core/auth-context';
import { baseUrlOf, readJsonBody } from '../../core/http';
import { badRequest } from '../errors';
import { negotiate, type Microversion } from '../microversion';
import type { Caller } from '../model';
import type { Links } from '../render';

export interface Req {
  caller: Caller;
  mv: Microversion;
  links: Links;
  /** `${base}/volume/v3/${project}` of this request, for list links. */
  projectUrl: string;
}

/** Caller, negotiated microversion and link bases of one Cinder request. */
export function reqOf(c: Context<AuthEnv>): Req {
  const auth = c.get('auth');
  const base = baseUrlOf(c, c.get('cloud')?.baseUrl ?? '');
  const project = c.req.param('project') ?? auth.projectId;
  const projectUrl = `${base}/volume/v3/${project}`;
  return {
    caller: { projectId: auth.projectId, isAdmin: auth.isAdmin, userId: auth.userId },
    mv: negotiate(c),
    links: { projectUrl, bookmarkUrl: `${base}/volume/${project}` },
    projectUrl,
  };
}

export const bodyOf = (c: Context<AuthEnv>) => readJsonBody(c, badRequest);

/** Admins list every project's objects only with `all_tenants`, as Cinder does. */
export function scoped<T extends { project_id: string }>(items: T[], c: Context<AuthEnv>, caller: Caller): T[] {
  const all = c.req.query('all_tenants');
  if (caller.isAdmin && all !== undefined && all !== '0' && all.toLowerCase() !== 'false') {
    const project = c.req.query('project_id');
    return project ? items.filter((i) => i.project_id === project) : items;
  }
  return items.filter((i) => i.project_id === caller.projectId);
}
