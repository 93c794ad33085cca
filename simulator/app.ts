import { Hono, type Context } from 'hono';
import { randomUUID } from 'node:crypto';
import type { AuthEnv } from './core/auth-context';
import type { SimCloud } from './core/cloud';
import { SimHttpError, keystoneError, neutronError, novaError } from './core/errors';
import type { SimModule } from './core/module';

/** Builds the fault body a real service behind `path` would send for `status`. */
function injectedFault(path: string, status: number): SimHttpError {
  const msg =
    status === 503
      ? 'Service Unavailable (injected)'
      : status === 409
        ? 'Conflict (injected)'
        : 'Internal Server Error (injected)';
  if (path.startsWith('/network'))
    return neutronError(status, status === 409 ? 'Conflict' : 'HTTPInternalServerError', msg);
  if (path.startsWith('/identity'))
    return keystoneError(status, status === 409 ? 'Conflict' : 'Internal Server Error', msg);
  return novaError(status, msg);
}

const unexpectedError = () =>
  novaError(
    500,
    "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class 'Exception'>",
  );

/** Paths the fault table never touches, so tests can always undo what they injected. */
const faultExempt = (path: string) => path.startsWith('/sim-admin') || path === '/metrics';

/**
 * The simulator's single Hono app: installs every module on `cloud`, mounts each at its prefix,
 * and adds the cross-cutting behaviour (request ids, injected faults/latency, error bodies).
 */
export function createSimApp(cloud: SimCloud, modules: SimModule[]): Hono<AuthEnv> {
  for (const m of modules) m.install(cloud);

  const app = new Hono<AuthEnv>({ strict: false });

  app.use('*', async (c, next) => {
    const requestId = `req-${randomUUID()}`;
    c.set('requestId', requestId);
    c.set('cloud', cloud);
    c.header('x-openstack-request-id', requestId);
    if (c.req.path.startsWith('/compute')) c.header('x-compute-request-id', requestId);
    const path = c.req.path;
    if (!faultExempt(path)) {
      const d = cloud.faults.decide(c.req.method, path);
      if (d.latencyMs > 0) await new Promise((r) => setTimeout(r, d.latencyMs));
      if (d.status && !d.lostReply) throw injectedFault(path, d.status);
      if (d.status) {
        await next();
        throw injectedFault(path, d.status);
      }
    }
    await next();
  });

  for (const m of modules) app.route(m.prefix, m.routes(cloud));

  app.get('/', (c) =>
    c.json({
      simulator: 'openstack',
      identity: `${cloud.baseUrl}/identity/v3`,
      modules: modules.map((m) => ({ name: m.name, prefix: m.prefix })),
    }),
  );

  app.notFound((c) => c.json(notFoundBody(c), 404));

  app.onError((err, c) => {
    const sim = err instanceof SimHttpError ? err : isSimHttpErrorLike(err);
    const e: SimHttpError = sim ?? unexpectedError();
    if (!sim && process.env.SIM_DEBUG) console.error(err);
    for (const [k, v] of Object.entries(e.headers)) c.header(k, v);
    const requestId = c.get('requestId');
    if (requestId) c.header('x-openstack-request-id', requestId);
    return c.json(e.body as object, e.status as 400);
  });

  return app;
}

function notFoundBody(c: Context) {
  if (c.req.path.startsWith('/network'))
    return { NeutronError: { type: 'HTTPNotFound', message: 'The resource could not be found.', detail: '' } };
  if (c.req.path.startsWith('/identity'))
    return { error: { code: 404, title: 'Not Found', message: 'The resource could not be found.' } };
  return { itemNotFound: { code: 404, message: 'The resource could not be found.' } };
}

/** An error thrown from a second copy of core/errors (jest module registry) is still ours. */
function isSimHttpErrorLike(err: unknown): SimHttpError | undefined {
  const e = err as SimHttpError;
  return e && typeof e.status === 'number' && e.body !== undefined && typeof e.headers === 'object' ? e : undefined;
}
