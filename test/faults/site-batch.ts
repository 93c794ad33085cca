import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { siteKey } from '../../activities/sites/settings';
import { Order, Product, Site, SiteHost } from '../../domain/entities';
import { batchTenant, measureOrders, type FaultRow } from './orders-batch';
import { requestEach } from './requests';
import { settleOrders, terminalOrderStatuses, type FaultRig } from './rig';

export interface SiteBatchOptions {
  fault: string;
  /** Sites ordered in the batch, each an order (`order-<id>`, `provision-<item>`) and then its `site-<id>`. */
  sites: number;
  concurrency: number;
  deadlineMs: number;
  /** Runs beside the requests; `requested()` counts those answered (or cut) so far, of `total`. */
  inject?: (requested: () => number, total: number) => Promise<string[]>;
  /** Sets a fault up before the orders; what it answers undoes it after they ended. */
  around?: () => () => string[];
}

/** The campaign's shared host (driver local, on the rig's web stack) and site product, made once per rig. */
const hostName = 'fault-web';

async function siteGround(fr: FaultRig): Promise<SiteHost> {
  if (!fr.sites) throw new Error('the fault rig has no shared web-hosting host: start it with { sites: true }');
  const em = fr.rig.p.db.orm.em.fork();
  if (!(await em.findOne(Product, { kind: 'site' }))) {
    const r = await fr.call('POST', '/api/v1/catalog/products', {
      token: fr.rig.operator,
      body: { kind: 'site', name: `fault-site-${Date.now()}`, hourlyPrice: 0.01, monthlyPrice: 5 },
    });
    if (r.status !== 201) throw new Error(`site product: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const known = await em.findOne(SiteHost, { name: hostName });
  if (known) return known;
  const r = await fr.call('POST', '/api/v1/site-hosts', {
    token: fr.rig.operator,
    body: { name: hostName, address: '127.0.0.1', capacitySites: 1000, capacityDiskMb: 100_000 },
  });
  if (r.status !== 201) throw new Error(`shared host: ${r.status} ${JSON.stringify(r.body)}`);
  return em.findOneOrFail(SiteHost, { name: hostName });
}

/** The system users of this machine by name, with their home directories. */
const systemUsers = () =>
  new Map(
    readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(':'))
      .map((f) => [f[0], f[5] ?? ''] as const),
  );

/** Site keys of everything on the host (code spaces, vhosts, pools, system users whose home is a code space). */
function keysOnHost(root: string): Set<string> {
  const keys = new Set<string>();
  const ls = (d: string) => (existsSync(d) ? readdirSync(d) : []);
  for (const k of ls(path.join(root, 'sites'))) keys.add(k);
  for (const d of ['vhosts', 'fpm-pools'])
    for (const f of ls(path.join(root, d))) {
      const m = /^site-(.+)\.conf$/.exec(f);
      if (m) keys.add(m[1]);
    }
  for (const [, home] of systemUsers())
    if (home.startsWith(path.join(root, 'sites') + path.sep)) keys.add(path.basename(home));
  return keys;
}

/** What the host holds for no site row at all. */
async function orphansOnHost(fr: FaultRig): Promise<Set<string>> {
  const known = new Set((await fr.rig.p.db.orm.em.fork().find(Site, {}, { fields: ['id'] })).map((s) => siteKey(s.id)));
  return new Set([...keysOnHost(fr.sites!.root)].filter((k) => !known.has(k)));
}

/**
 * Shared-tier sites under a fault: a fresh tenant orders `sites` sites (5 MB each, no database) through the API
 * processes (`POST /sites`, auto-approved), `concurrency` at a time, while `inject` runs. Every order is awaited until it
 * ended (the order reconciler runs once when some are still open at the deadline) and every site row of the tenant is
 * checked against the host: completed when its order was delivered, it is `ready`, and the host holds its code space,
 * vhost, php-fpm pool (listening on its slot's port) and (as root) system user; failed when its order or the site
 * ended with a cause the tenant reads, or its request was refused or cut (the user saw that); lost otherwise (still
 * open, or ready without what the host should hold). Duplicated counts a site's objects left on the host although it
 * is not ready, a second site row of one order, two sites holding room in one slot (one php-fpm port), and parts on
 * the host of no site row; drift, a site holding room on the host with nothing there (or objects there holding none),
 * plus the tenant's quota drift. The sites stay until the rig closes.
 */
export async function runSiteBatch(fr: FaultRig, opts: SiteBatchOptions): Promise<FaultRow> {
  const t0 = Date.now();
  const host = await siteGround(fr);
  const user = await batchTenant(fr);
  const tag = randomBytes(3).toString('hex');
  const names = Array.from({ length: opts.sites }, (_, i) => `f${tag}-${i}`);
  const orphansBefore = await orphansOnHost(fr);
  const errorsBefore = fr.apiErrors().length;

  const t1 = Date.now();
  const undo = opts.around?.();
  const notes: string[] = [];
  const req = await requestEach(names, {
    concurrency: opts.concurrency,
    send: (name) => fr.call('POST', '/api/v1/sites', { token: user.token, body: { name, diskMb: 5 } }),
    accept: (r) => (r.status === 201 ? (r.body.site.id as string) : undefined),
    inject: opts.inject,
  });
  notes.push(...req.injected);
  notes.push(...(await settleOrders(fr, user.tenantId, opts.deadlineMs)));
  const t2 = Date.now();
  notes.push(...(undo?.() ?? []));
  const secs = (n: number) => `${(n / 1000).toFixed(1)} s`;
  notes.push(`setup ${secs(t1 - t0)}, sites ${secs(t2 - t1)} (requests to ended orders)`);

  const em = fr.rig.p.db.orm.em.fork();
  const rows = await em.find(Site, { tenantId: user.tenantId });
  const orders = new Map(
    (await em.find(Order, { id: rows.map((s) => s.orderId).filter((o): o is string => !!o) })).map((o) => [o.id, o]),
  );
  const accepted = new Set(req.accepted.values());
  const root = fr.sites!.root;
  const users = systemUsers();
  const asRoot = process.getuid?.() === 0;
  // The web stack is still the one the rig started (a worker's agent that started its own would take it down with it).
  for (const daemon of ['php-fpm', 'nginx']) {
    const file = path.join(root, 'run', `${daemon}.pid`);
    const pid = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : 0;
    const stat = pid && existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? 0);
    if (parent !== process.pid)
      notes.push(`${daemon} master ${pid} ${stat ? `has parent ${parent}` : 'is gone'}, not the rig`);
  }
  const listening = new Map<string, boolean>();
  for (const s of rows) listening.set(s.id, await accepts(fr.sites!.fpmBasePort + s.slot));
  const onHost = (s: Site) => {
    const key = siteKey(s.id);
    return [
      existsSync(path.join(root, 'sites', key)),
      existsSync(path.join(root, 'vhosts', `site-${key}.conf`)),
      existsSync(path.join(root, 'fpm-pools', `site-${key}.conf`)),
      ...(asRoot ? [users.has(`cmp-${key}`.slice(0, 32))] : []),
    ];
  };
  // Room on the host as placement counts it (api/services/site-orders.ts hostLoads).
  const holdsRoom = (s: Site) => {
    const order = s.orderId ? orders.get(s.orderId) : undefined;
    const closedUndelivered =
      s.status === 'ordered' && !!order && order.status !== 'delivered' && terminalOrderStatuses.includes(order.status);
    return (
      (!['removed', 'failed'].includes(s.status) || (s.status === 'failed' && !!s.cleanupFailure)) && !closedUndelivered
    );
  };

  let completed = 0;
  let failed = 0;
  let contradicted = 0;
  let duplicated = 0;
  let drift = 0;
  for (const s of rows) {
    const order = s.orderId ? orders.get(s.orderId) : undefined;
    const held = onHost(s);
    const any = held.some(Boolean);
    const ready = s.status === 'ready' || s.status === 'live';
    if (ready && order?.status === 'delivered' && held.every(Boolean) && listening.get(s.id)) {
      completed++;
      // Built although the request was answered with an error (or cut): the user was told it failed.
      if (!accepted.has(s.id)) req.why('site built although its request was refused or cut');
    } else if (ready) {
      contradicted++;
      req.why(
        listening.get(s.id)
          ? `site ${s.status} but the host holds ${held.filter(Boolean).length} of its ${held.length} parts`
          : `site ${s.status} but its php-fpm pool does not listen (port ${fr.sites!.fpmBasePort + s.slot})`,
      );
    } else if (!accepted.has(s.id)) {
      // Its request was cut (the API died in it): the user saw the error.
      failed++;
      req.why(`site row of a cut request, ${s.status}, order ${order?.status ?? 'none'}`);
    } else if (
      (order && terminalOrderStatuses.includes(order.status) && order.failure?.message) ||
      (s.status === 'failed' && s.failure)
    ) {
      failed++;
      req.why(
        `site ${s.status}, order ${order?.status}: ${(s.failure ?? order?.failure?.message ?? '').slice(0, 140)}`,
      );
    } else req.why(`site ${s.name} ${s.status}, order ${order?.status ?? 'none'} at the deadline`);
    if (!ready && any) {
      duplicated++;
      req.why(`site ${s.status}: its parts left on the host (${held.map((h) => (h ? 1 : 0)).join('')})`);
    }
    if (holdsRoom(s) !== any) {
      drift++;
      req.why(
        `site ${s.status} ${holdsRoom(s) ? 'holds room with nothing on the host' : 'is on the host holding no room'}`,
      );
    }
  }
  for (const [, n] of tallyBy(rows, (s) => s.orderId ?? `none-${s.id}`)) duplicated += n - 1;
  // Two sites holding room in one slot of the host share a php-fpm port.
  const holding = (await em.find(Site, { hostId: host.id })).filter(holdsRoom);
  const mine = new Set(rows.map((s) => s.id));
  for (const [, n] of tallyBy(
    holding.filter((s) => holding.some((o) => o.slot === s.slot && mine.has(o.id))),
    (s) => String(s.slot),
  ))
    duplicated += n - 1;
  // Parts on the host of no site row at all (a row deleted after its setup began): made during this batch.
  const orphans = [...(await orphansOnHost(fr))].filter((k) => !orphansBefore.has(k));
  if (orphans.length) req.why(`parts on the host of no site row: ${orphans.join(', ')}`);
  duplicated += orphans.length;
  notes.push(...req.notes());
  for (const e of new Set(fr.apiErrors().slice(errorsBefore))) notes.push(`API logged ${e}`);
  const counted = await measureOrders(fr, user.tenantId, 0);
  if (counted.driftBy.length) notes.push(`quota drift: ${counted.driftBy.join(', ')}`);
  const run = Math.max(names.length, rows.length);
  return {
    fault: opts.fault,
    run,
    completed,
    failed: failed + Math.max(0, names.length - rows.length),
    lost: Math.max(0, rows.length - completed - failed),
    duplicated: duplicated + counted.duplicated,
    drift: drift + counted.drift,
    notes: contradicted ? [`${contradicted} contradicted by the host`, ...notes] : notes,
  };
}

/** Whether something accepts TCP connections on the loopback port (a php-fpm pool's). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.setTimeout(1000, () => (sock.destroy(), resolve(false)));
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
  });
}

function tallyBy<T>(rows: T[], key: (r: T) => string): Map<string, number> {
  const n = new Map<string, number>();
  for (const r of rows) n.set(key(r), (n.get(key(r)) ?? 0) + 1);
  return n;
}
