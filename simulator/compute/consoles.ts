import { Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import { readJsonBody } from '../core/http';
import type { ComputeContext, ComputeEnv } from './microversion';
import { requireMv } from './microversion';
import type { ComputeService } from './service';
import type { Server } from './model';
import { badRequest, conflict } from './errors';
import { schemaError } from './validation';
import { VmState } from './state-map';

const PROTOCOL_TYPES: Record<string, string[]> = {
  vnc: ['novnc', 'xvpvnc'],
  spice: ['spice-html5', 'spice-direct'],
  rdp: ['rdp-html5'],
  serial: ['serial'],
  mks: ['webmks'],
};

/** Issued console tokens → server id, per cloud (kept until the simulator stops; consoles are cheap). */
const tokensByCloud = new WeakMap<object, Map<string, string>>();
function tokensOf(cloud: object): Map<string, string> {
  let m = tokensByCloud.get(cloud);
  if (!m) tokensByCloud.set(cloud, (m = new Map()));
  return m;
}

/** A console URL served by the simulator itself (GET returns a stub page while the token is known). */
export function consoleUrl(c: ComputeContext, svc: ComputeService, s: Server, type: string): string {
  if (s.vmState !== VmState.ACTIVE || !s.host) throw conflict(`Instance ${s.id} is not ready`);
  const token = randomUUID();
  tokensOf(svc.cloud).set(token, s.id);
  const origin = svc.cloud.baseUrl || new URL(c.req.url).origin;
  const page = type === 'novnc' ? 'vnc_lite.html' : 'console.html';
  return `${origin}/compute/console/${page}?path=%3Ftoken%3D${token}`;
}

/** POST /servers/{id}/remote-consoles (2.6+) and the console pages. */
export function consoleRoutes(svc: ComputeService): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  app.post('/servers/:id/remote-consoles', async (c) => {
    requireMv(c, 6);
    const s = svc.store.visibleServer(c.req.param('id'), c.get('auth'));
    const rc = (await readJsonBody(c, badRequest)).remote_console as Record<string, unknown> | undefined;
    if (!rc || typeof rc !== 'object')
      throw badRequest(
        "Invalid input for field/attribute remote_console. Value: None. 'remote_console' is a required property",
      );
    const protocol = String(rc.protocol);
    const type = String(rc.type);
    if (!PROTOCOL_TYPES[protocol])
      throw schemaError(
        'remote_console/protocol',
        rc.protocol,
        "is not one of ['vnc', 'spice', 'rdp', 'serial', 'mks']",
      );
    if (!PROTOCOL_TYPES[protocol].includes(type))
      throw badRequest(`Unsupported console type ${type} for protocol ${protocol}`);
    return c.json({ remote_console: { protocol, type, url: consoleUrl(c, svc, s, type) } });
  });
  return app;
}

/** Unauthenticated console page (like nova-novncproxy): 200 for a known token, 401 otherwise. */
export function consolePageRoutes(): Hono<ComputeEnv> {
  const app = new Hono<ComputeEnv>();
  app.get('/console/:page', (c) => {
    const path = c.req.query('path') ?? '';
    const token = /token=([^&]+)/.exec(decodeURIComponent(path))?.[1] ?? c.req.query('token');
    const serverId = token ? tokensOf(c.get('cloud')).get(token) : undefined;
    if (!serverId) return c.text('Invalid token', 401);
    return c.html(`<!doctype html><title>Console of ${serverId}</title><p>Simulated console of server ${serverId}</p>`);
  });
  return app;
}
