/**
 * API list endpoints under load: the platform's REST API served over loopback (SQLite) with N servers
 * recorded in the cloud (spread over 20 tenants), hammered by autocannon with C concurrent clients for
 * D seconds per endpoint: an operator's first page of every tenant's instances, a tenant's own
 * instances, a tenant's orders. Prints requests per second and latency percentiles, the p99 beside the
 * 100 ms bound; asserts nothing.
 *   npx tsx bench/api-lists.ts [servers] [clients] [seconds per endpoint]
 */
import autocannon from 'autocannon';
import { CloudResource } from '../domain/entities';
import { startTemporalDevServer } from '../scripts/lib/temporal-cli';
import { freePort } from '../test/support/free-port';
import { startTestPlatform } from '../test/support/platform';
import { serveApp } from '../test/monitoring/stack';
import { reportFigures, type Figure } from './lib/figures';

const SERVERS = Number(process.argv[2] ?? 20000);
const CLIENTS = Number(process.argv[3] ?? 200);
const SECONDS = Number(process.argv[4] ?? 10);
const TENANTS = 20;
const BOUND_MS = 100;

async function main(): Promise<void> {
  const tport = await freePort();
  const temporal = await startTemporalDevServer({ port: tport });
  process.env.TEMPORAL_ADDRESS = `127.0.0.1:${tport}`;
  const p = await startTestPlatform({ queues: [], env: { LOG_LEVEL: 'silent', RATE_LIMITS: 'off' } });
  const port = await freePort();
  const http = await serveApp(p.app.fetch, port);
  try {
    const operator = (await p.staff(['operator'])).token;
    const user = await p.tenantUser('bench-lists');
    const tenants = [user.tenantId, ...Array.from({ length: TENANTS - 1 }, (_, i) => `bench-tenant-${i}`)];
    const seeded = Date.now();
    const batch = 1000;
    for (let k = 0; k < SERVERS; k += batch) {
      const em = p.db.orm.em.fork();
      for (let j = k; j < Math.min(SERVERS, k + batch); j++)
        em.persist(
          Object.assign(new CloudResource(), {
            tenantId: tenants[j % TENANTS],
            kind: 'server' as const,
            openstackId: `bench-os-${j}`,
            name: `vm-${j}`,
            status: 'active' as const,
            osStatus: 'ACTIVE',
            spec: { flavorId: 'bench', imageId: 'bench' },
            attributes: { fixedIp: `10.${(j >> 16) & 255}.${(j >> 8) & 255}.${j & 255}`, host: `compute-${j % 100}` },
            createdAt: new Date(Date.now() - j * 1000),
          }),
        );
      await em.flush();
    }
    console.log(`seeded ${SERVERS} servers over ${TENANTS} tenants in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);

    const endpoints: Array<[string, string, string]> = [
      ['operator: every tenant’s instances, first page', '/api/v1/instances', operator],
      ['tenant: own instances, first page', '/api/v1/instances', user.token],
      ['tenant: own orders, first page', '/api/v1/orders', user.token],
    ];
    const figures: Figure[] = [];
    for (const [what, path, token] of endpoints) {
      // One client first, in series: the endpoint's own time, and the previous run's backlog drained.
      const serial: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${token}` } });
        if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
        serial.push(performance.now() - t);
      }
      serial.sort((a, b) => a - b);
      console.log(
        `${what} (GET ${path}), one client: p50 ${serial[10].toFixed(1)} ms, max ${serial[19].toFixed(1)} ms`,
      );
      const r = await autocannon({
        url: `http://127.0.0.1:${port}${path}`,
        connections: CLIENTS,
        duration: SECONDS,
        headers: { authorization: `Bearer ${token}` },
      });
      const bad = r.non2xx + r.errors + r.timeouts;
      // No answer within the run is no figure: the p99 is then at least the run's length.
      const p99 = r.requests.total ? r.latency.p99 : SECONDS * 1000;
      console.log(
        `${what} (GET ${path}): ${r.requests.average.toFixed(0)} req/s, latency p50 ${r.latency.p50} ms, p97.5 ${r.latency.p97_5} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms; ${bad} not 2xx`,
      );
      figures.push({
        figure: `API ${what}, ${SERVERS} servers, ${CLIENTS} clients: p99`,
        unit: 'ms',
        platform: p99,
        reference: BOUND_MS,
        referenceName: 'bound',
        better: 'lower',
        target: 1,
        note: `one client p50 ${serial[10].toFixed(1)} ms; ${r.requests.average.toFixed(0)} req/s in one API process: at ${CLIENTS} clients a p99 under ${BOUND_MS} ms needs about ${Math.round((CLIENTS * 1000) / BOUND_MS)} req/s${bad ? `; ${bad} answers not 2xx` : ''}`,
      });
    }
    reportFigures('api-lists', figures);
  } finally {
    await http.closeAll();
    await p.close();
    temporal.kill('SIGTERM');
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
