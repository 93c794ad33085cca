import { Hono } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import type { SimCloud } from '../core/cloud';
import { SimHttpError } from '../core/errors';
import { readJsonBody } from '../core/http';
import type { Host } from '../compute/model';
import { PowerState } from '../compute/state-map';

const err = (status: number, message: string) => new SimHttpError(status, { error: { code: status, message } });

/** Whether the host's operating system runs: powered on and not hung. Its exporters and management address answer only then. */
export function hostAlive(h: Host): boolean {
  return !h.powerOff && !h.crashed;
}

/** Stops heartbeats (as /down does) from now on. */
function silence(h: Host): void {
  if (h.heartbeating) {
    h.heartbeating = false;
    h.lastHeartbeat = Date.now();
  }
}

/**
 * Chassis power off: every server on the host really stops (power state SHUTDOWN, so its metrics
 * stop and it can write nothing), and nova-compute stops reporting. Nova's vm_state is left as it
 * was, as a real Nova whose compute service died cannot learn of it; an evacuation rebuilds the
 * servers in that state. Power on boots the host: nova-compute reports again and the servers still
 * placed there run again.
 */
export function setPower(cloud: SimCloud, h: Host, on: boolean): void {
  const store = cloud.service('compute').store;
  if (!on) {
    silence(h);
    h.powerOff = true;
    h.crashed = false;
    for (const id of h.servers) {
      const s = store.servers.get(id);
      if (s && !s.deleted) s.powerState = PowerState.SHUTDOWN;
    }
    return;
  }
  if (!h.powerOff && !h.crashed) return;
  h.powerOff = false;
  h.crashed = false;
  h.heartbeating = true;
  h.lastHeartbeat = Date.now();
  for (const id of h.servers) {
    const s = store.servers.get(id);
    if (s && !s.deleted && s.vmState === 'active') s.powerState = PowerState.RUNNING;
  }
}

/**
 * The simulated BMC and management network of each host, under `/sim-admin`:
 *
 *   GET  /hosts/{name}/power      { host, power: 'on'|'off' } (503 while the BMC is unreachable), as `ipmitool chassis power status`
 *   POST /hosts/{name}/power      { action: 'on'|'off' } → the state after it (503 while the BMC is unreachable)
 *   POST /hosts/{name}/crash      the host hangs: heartbeats, metrics and management probe stop; power stays on
 *   PUT  /hosts/{name}/bmc        { reachable: boolean } a BMC that does not answer makes the host unfenceable
 *   GET  /hosts/{name}/probe      the management-network probe: 200 while the host is alive, 503 otherwise
 */
export function powerRoutes(cloud: SimCloud, host: (name: string) => Host): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const bmc = (name: string): Host => {
    const h = host(name);
    if (h.bmcUnreachable) throw err(503, `BMC of ${h.name} does not answer`);
    return h;
  };
  const view = (h: Host) => ({ host: h.name, power: h.powerOff ? 'off' : 'on', alive: hostAlive(h) });

  app.get('/hosts/:name/power', (c) => c.json(view(bmc(c.req.param('name')))));
  app.post('/hosts/:name/power', async (c) => {
    const b = await readJsonBody(c, (m) => err(400, m));
    if (b.action !== 'on' && b.action !== 'off') throw err(400, "action must be 'on' or 'off'");
    const h = bmc(c.req.param('name'));
    setPower(cloud, h, b.action === 'on');
    return c.json(view(h));
  });
  app.post('/hosts/:name/crash', (c) => {
    const h = host(c.req.param('name'));
    if (h.powerOff) throw err(409, `host ${h.name} is powered off`);
    silence(h);
    h.crashed = true;
    return c.json(view(h));
  });
  app.put('/hosts/:name/bmc', async (c) => {
    const b = await readJsonBody(c, (m) => err(400, m));
    if (typeof b.reachable !== 'boolean') throw err(400, 'reachable (boolean) is required');
    const h = host(c.req.param('name'));
    h.bmcUnreachable = !b.reachable;
    return c.json({ host: h.name, bmc_reachable: b.reachable });
  });
  app.get('/hosts/:name/probe', (c) => {
    const h = host(c.req.param('name'));
    return c.json({ host: h.name, reachable: hostAlive(h) }, hostAlive(h) ? 200 : 503);
  });
  return app;
}
