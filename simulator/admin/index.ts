import { Hono, type Context } from 'hono';
import type { AuthEnv } from '../core/auth-context';
import type { SimCloud } from '../core/cloud';
import type { SimModule } from '../core/module';
import { SimHttpError } from '../core/errors';
import { readJsonBody } from '../core/http';
import { statusFromState } from '../compute/state-map';
import type { Host, Server } from '../compute/model';
import { bulkSeedServers } from './bulk-seed';
import { powerRoutes } from './power';
import { volumePoolRoutes } from './volume-pools';
import { dataPlaneRoutes } from './data-plane';
import { hostCpuUtilisation, hostMemoryUsedMb } from '../metrics/exporter';

const adminError = (status: number, message: string) => new SimHttpError(status, { error: { code: status, message } });
const bad = (m: string) => adminError(400, m);

/**
 * Simulator control API at `/sim-admin` (never in the catalog). Open to requests from a
 * loopback address; from elsewhere it needs an `X-Auth-Token` of a user with the admin role.
 * Errors are `{ error: { code, message } }`.
 *
 *   GET    /sim-admin/hosts                      every hypervisor with state, usage, load
 *   POST   /sim-admin/hosts                      { name?, count?, vcpus?, memoryMb?, diskGb?, availabilityZone? } → 201
 *   GET    /sim-admin/hosts/{name}
 *   POST   /sim-admin/hosts/{name}/down          stop heartbeats: nova-compute is `down` after heartbeatTimeoutMs
 *   POST   /sim-admin/hosts/{name}/up            heartbeats again (forced_down stays as set through os-services); 409 while powered off or hung
 *   GET|POST /sim-admin/hosts/{name}/power        chassis power status / on|off (the host's servers really stop), see power.ts
 *   GET|POST /sim-admin/volume-pools, DELETE /sim-admin/volume-pools/{name}   Cinder backend pools, see volume-pools.ts
 *   POST   /sim-admin/hosts/{name}/crash         the host hangs; PUT .../bmc { reachable }; GET .../probe management network
 *   PUT    /sim-admin/hosts/{name}/load          { cpu?: 0..1, memoryMb? } load outside of servers; DELETE clears it
 *   PUT    /sim-admin/servers/{id}/load          { cpu?: 0..1, memoryMb?, rxBps?, txBps? }
 *   PUT    /sim-admin/groups/{group}/load        same body, every server with metadata cmp_group={group}
 *   POST   /sim-admin/servers/seed               { count, projectId?, flavorId?, namePrefix?, metadata? } ACTIVE servers, no ports
 *   GET    /sim-admin/faults                     injected rules with hit counts
 *   POST   /sim-admin/faults                     { path: regex, method?, status?: 4xx/5xx, share?: 0..1, count?, latencyMs?, lostReply? } → 201
 *                                                 (lostReply: the request is carried out, then answered with status)
 *   DELETE /sim-admin/faults/{id} | /sim-admin/faults
 *   POST   /sim-admin/tokens/expire              { token }
 *   POST   /sim-admin/reset                      back to the seeded cloud (all services, faults, counters) → 204
 *   GET    /sim-admin/stats                      counts per service, servers by status, process memory
 *   GET    /sim-admin/data-plane[/servers/{id}|/listeners/{id}]   loopback addresses of servers and listeners, see data-plane.ts
 */
export const adminModule: SimModule = {
  name: 'sim-admin',
  prefix: '/sim-admin',
  install(cloud) {
    // The seeded state every module starts with, for POST /sim-admin/reset.
    const initial = cloud.persistables().map(([name, p]) => [name, JSON.stringify(p.snapshot())] as const);
    resetPoints.set(cloud, initial);
  },
  routes(cloud) {
    const app = new Hono<AuthEnv>();
    app.use('*', async (c, next) => {
      if (!isLoopback(c)) {
        const t = cloud.service('identity').validToken(c.req.header('x-auth-token'));
        if (!t || !cloud.service('identity').authContext(t).isAdmin)
          throw adminError(401, 'The simulator admin API needs an admin token from a non-loopback address.');
      }
      await next();
    });
    const compute = () => cloud.service('compute');
    const host = (name: string): Host => {
      const h = compute().store.hosts.get(name);
      if (!h) throw adminError(404, `host ${name} not found`);
      return h;
    };
    const server = (id: string): Server => {
      const s = compute().store.servers.get(id);
      if (!s || s.deleted) throw adminError(404, `server ${id} not found`);
      return s;
    };
    const num = (v: unknown, field: string, min = 0, max = Infinity): number | undefined => {
      if (v === undefined) return undefined;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
        throw bad(`${field} must be a number in [${min}, ${max}]`);
      return v;
    };
    const hostView = (h: Host) => ({
      name: h.name,
      hypervisor_id: h.hypervisorId,
      service_id: h.serviceId,
      availability_zone: h.az,
      state: compute().store.serviceUp(h) ? 'up' : 'down',
      heartbeating: h.heartbeating,
      disabled: h.disabled,
      forced_down: h.forcedDown,
      power: h.powerOff ? 'off' : 'on',
      crashed: h.crashed === true,
      vcpus: h.vcpus,
      vcpus_used: h.usedVcpus,
      memory_mb: h.memoryMb,
      memory_mb_used: h.usedMemoryMb,
      local_gb: h.localGb,
      local_gb_used: h.usedDiskGb,
      servers: h.servers.size,
      load: h.load,
      cpu_utilisation: hostCpuUtilisation(cloud, h),
      memory_used_mb: hostMemoryUsedMb(cloud, h),
    });

    // --- hosts
    app.get('/hosts', (c) => c.json({ hosts: [...compute().store.hosts.values()].map(hostView) }));
    app.post('/hosts', async (c) => {
      const b = await readJsonBody(c, bad);
      const count = num(b.count, 'count', 1, 10000) ?? 1;
      const created: Host[] = [];
      for (let i = 0; i < count; i++) {
        const name =
          typeof b.name === 'string' && count === 1 ? b.name : `compute-x${compute().store.seq.hypervisor + 1}`;
        if (compute().store.hosts.has(name)) throw adminError(409, `host ${name} exists`);
        created.push(
          compute().store.addHost(name, {
            vcpus: num(b.vcpus, 'vcpus', 1),
            memoryMb: num(b.memoryMb, 'memoryMb', 1),
            localGb: num(b.diskGb, 'diskGb', 1),
            az: typeof b.availabilityZone === 'string' ? b.availabilityZone : undefined,
          }),
        );
      }
      return c.json({ hosts: created.map(hostView) }, 201);
    });
    app.get('/hosts/:name', (c) => c.json({ host: hostView(host(c.req.param('name'))) }));
    // Stops heartbeats: the compute service is reported down once heartbeatTimeoutMs passes.
    app.post('/hosts/:name/down', (c) => {
      const h = host(c.req.param('name'));
      if (h.heartbeating) {
        h.heartbeating = false;
        h.lastHeartbeat = Date.now();
      }
      return c.json({ host: hostView(h) });
    });
    app.post('/hosts/:name/up', (c) => {
      const h = host(c.req.param('name'));
      if (h.powerOff || h.crashed) throw adminError(409, `host ${h.name} is ${h.powerOff ? 'powered off' : 'hung'}`);
      h.heartbeating = true;
      h.lastHeartbeat = Date.now();
      return c.json({ host: hostView(h) });
    });
    app.route('/', powerRoutes(cloud, host));
    app.route('/', volumePoolRoutes(cloud));
    app.route('/', dataPlaneRoutes(cloud));
    app.put('/hosts/:name/load', async (c) => {
      const h = host(c.req.param('name'));
      const b = await readJsonBody(c, bad);
      h.load = {
        cpu: num(b.cpu, 'cpu', 0, 1) ?? h.load?.cpu ?? 0,
        memoryMb: num(b.memoryMb, 'memoryMb') ?? h.load?.memoryMb ?? 0,
      };
      return c.json({ host: hostView(h) });
    });
    app.delete('/hosts/:name/load', (c) => {
      const h = host(c.req.param('name'));
      h.load = null;
      return c.json({ host: hostView(h) });
    });

    // --- server load
    const applyLoad = (s: Server, b: Record<string, unknown>) => {
      cloud.service('metrics').accrue(s);
      s.load = {
        cpu: num(b.cpu, 'cpu', 0, 1) ?? s.load.cpu,
        memoryMb: num(b.memoryMb, 'memoryMb') ?? s.load.memoryMb,
        rxBps: num(b.rxBps, 'rxBps') ?? s.load.rxBps,
        txBps: num(b.txBps, 'txBps') ?? s.load.txBps,
      };
    };
    app.put('/servers/:id/load', async (c) => {
      const s = server(c.req.param('id'));
      applyLoad(s, await readJsonBody(c, bad));
      return c.json({ server_id: s.id, load: s.load });
    });
    // Every live server whose metadata cmp_group equals :group.
    app.put('/groups/:group/load', async (c) => {
      const b = await readJsonBody(c, bad);
      const group = c.req.param('group');
      const ids: string[] = [];
      for (const s of compute().store.servers.values())
        if (!s.deleted && s.metadata.cmp_group === group) {
          applyLoad(s, b);
          ids.push(s.id);
        }
      return c.json({ group, servers: ids });
    });
    app.post('/servers/seed', async (c) => {
      const b = await readJsonBody(c, bad);
      const count = num(b.count, 'count', 1, 1_000_000);
      if (!count) throw bad('count is required');
      const ids = cloud.service('identity');
      const projectId = typeof b.projectId === 'string' ? b.projectId : ids.findProject(cloud.options.adminProject)!.id;
      const userId = ids.findUser(cloud.options.adminUser)!.id;
      const r = bulkSeedServers(cloud, {
        count,
        projectId,
        userId,
        flavorId: typeof b.flavorId === 'string' ? b.flavorId : undefined,
        namePrefix: typeof b.namePrefix === 'string' ? b.namePrefix : undefined,
        metadata: b.metadata && typeof b.metadata === 'object' ? (b.metadata as Record<string, string>) : undefined,
      });
      return c.json(r, 201);
    });

    // --- faults and latency
    app.get('/faults', (c) => c.json({ faults: cloud.faults.list() }));
    app.post('/faults', async (c) => {
      const b = await readJsonBody(c, bad);
      if (typeof b.path !== 'string') throw bad('path (a regex over the request path) is required');
      try {
        new RegExp(b.path);
      } catch {
        throw bad('path is not a valid regex');
      }
      const status = num(b.status, 'status', 400, 599);
      const latencyMs = num(b.latencyMs, 'latencyMs', 0, 600_000);
      if (status === undefined && latencyMs === undefined) throw bad('give status and/or latencyMs');
      const rule = cloud.faults.add({
        method: typeof b.method === 'string' ? b.method : undefined,
        path: b.path,
        status,
        share: num(b.share, 'share', 0, 1),
        remaining: num(b.count, 'count', 0),
        latencyMs,
        lostReply: b.lostReply === true,
      });
      return c.json({ fault: rule }, 201);
    });
    app.delete('/faults/:id', (c) => {
      if (!cloud.faults.remove(c.req.param('id'))) throw adminError(404, 'fault rule not found');
      return c.body(null, 204);
    });
    app.delete('/faults', (c) => {
      cloud.faults.clear();
      return c.body(null, 204);
    });

    // --- tokens (tests of expiry handling)
    app.post('/tokens/expire', async (c) => {
      const b = await readJsonBody(c, bad);
      if (typeof b.token !== 'string') throw bad('token is required');
      cloud.service('identity').expireToken(b.token);
      return c.body(null, 204);
    });

    // --- state
    app.post('/reset', (c) => {
      cloud.cancelPending();
      cloud.faults.clear();
      cloud.services.metrics?.clear();
      const points = new Map(resetPoints.get(cloud) ?? []);
      for (const [name, p] of cloud.persistables()) {
        const snap = points.get(name);
        if (snap) p.restore(JSON.parse(snap));
      }
      return c.body(null, 204);
    });
    app.get('/stats', (c) => c.json(stats(cloud)));
    return app;
  },
};

const resetPoints = new WeakMap<SimCloud, ReadonlyArray<readonly [string, string]>>();

function isLoopback(c: Context): boolean {
  const addr = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket
    ?.remoteAddress;
  if (!addr) return true; // in-process app.request() calls
  return addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.');
}

function stats(cloud: SimCloud) {
  const store = cloud.service('compute').store;
  const byStatus: Record<string, number> = {};
  let live = 0;
  for (const s of store.servers.values()) {
    if (s.deleted) continue;
    live++;
    const st = statusFromState(s.vmState, s.taskState);
    byStatus[st] = (byStatus[st] ?? 0) + 1;
  }
  const hosts = [...store.hosts.values()];
  const mem = process.memoryUsage();
  return {
    hosts: {
      total: hosts.length,
      up: hosts.filter((h) => store.serviceUp(h)).length,
      disabled: hosts.filter((h) => h.disabled).length,
    },
    servers: { total: live, deleted_kept: store.deletedIndex.size, by_status: byStatus },
    migrations: store.migrations.size,
    projects: cloud.services.identity?.projects.size ?? 0,
    users: cloud.services.identity?.users.size ?? 0,
    ports: cloud.services.network?.store.ports.size ?? 0,
    volumes: cloud.services.volume?.volumes.size ?? 0,
    images: cloud.services.image?.images.size ?? 0,
    faults: cloud.faults.list(),
    process: { rss_bytes: mem.rss, heap_used_bytes: mem.heapUsed },
  };
}
