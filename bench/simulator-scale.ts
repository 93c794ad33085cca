/**
 * Scale bench of the OpenStack simulator: 1,000 hypervisors, 20,000 servers, then latency of a
 * page of GET /servers/detail and of server creates, and of a /metrics scrape: whole, and narrowed
 * to each of the two jobs the platform's Prometheus scrapes (family=server; family=host,storage,switch).
 * Prints figures; asserts nothing.
 *   npx tsx bench/simulator-scale.ts [hosts] [servers]
 */
import { startSimulator } from '../simulator/server';
import { reportFigures, type Figure } from './lib/figures';

const HOSTS = Number(process.argv[2] ?? 1000);
const SERVERS = Number(process.argv[3] ?? 20000);
const H = { 'content-type': 'application/json', 'OpenStack-API-Version': 'compute 2.96' };

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function timed(fn: () => Promise<void>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function main(): Promise<void> {
  const sim = await startSimulator({ hosts: HOSTS, buildMs: 50, computeQuota: { instances: -1, cores: -1, ram: -1 } });
  const auth = await fetch(`${sim.url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'admin', domain: { id: 'default' }, password: 'secret' } },
        },
        scope: { project: { name: 'admin', domain: { id: 'default' } } },
      },
    }),
  });
  const token = auth.headers.get('x-subject-token')!;
  const h = { ...H, 'x-auth-token': token };

  const t = performance.now();
  // 20 projects' worth: the admin project gets a quarter, the rest spread over 19 others.
  const ids = sim.cloud.service('identity');
  const projects = [ids.findProject('admin')!.id];
  for (let i = 1; i < 20; i++) projects.push(ids.createProject({ name: `bench-${i}` }).id);
  const perProject = Math.floor(SERVERS / projects.length);
  for (const p of projects) {
    const r = await fetch(`${sim.url}/sim-admin/servers/seed`, {
      method: 'POST',
      headers: h,
      body: JSON.stringify({ count: perProject, projectId: p, namePrefix: 'bench' }),
    });
    if (r.status !== 201) throw new Error(`seed failed: ${r.status} ${await r.text()}`);
  }
  console.log(
    `seeded ${perProject * projects.length} servers on ${HOSTS} hosts in ${(performance.now() - t).toFixed(0)} ms`,
  );

  // Page through the admin project's servers with marker, as a client would.
  let marker: string | undefined;
  const pageTimes = await timed(async () => {
    const r = await fetch(`${sim.url}/compute/v2.1/servers/detail?limit=100${marker ? `&marker=${marker}` : ''}`, {
      headers: h,
    });
    const body = (await r.json()) as { servers: Array<{ id: string }>; servers_links?: unknown[] };
    marker = body.servers_links ? body.servers[body.servers.length - 1].id : undefined;
  }, 200);
  console.log(
    `GET /servers/detail?limit=100 (own project, paging with marker): p50 ${pct(pageTimes, 50).toFixed(2)} ms, p99 ${pct(pageTimes, 99).toFixed(2)} ms`,
  );

  const allTimes = await timed(async () => {
    await (await fetch(`${sim.url}/compute/v2.1/servers/detail?limit=100&all_tenants=1`, { headers: h })).json();
  }, 100);
  console.log(
    `GET /servers/detail?limit=100&all_tenants=1: p50 ${pct(allTimes, 50).toFixed(2)} ms, p99 ${pct(allTimes, 99).toFixed(2)} ms`,
  );

  const flavorId = '1';
  const createTimes = await timed(async () => {
    const r = await fetch(`${sim.url}/compute/v2.1/servers`, {
      method: 'POST',
      headers: h,
      body: JSON.stringify({
        server: {
          name: 'bench-create',
          flavorRef: flavorId,
          imageRef: [...sim.cloud.service('image').images.keys()][0],
          networks: 'none',
        },
      }),
    });
    if (r.status !== 202) throw new Error(`create failed: ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
  }, 200);
  console.log(`POST /servers: p50 ${pct(createTimes, 50).toFixed(2)} ms, p99 ${pct(createTimes, 99).toFixed(2)} ms`);

  const figures: Figure[] = [];
  for (const [query, what] of [
    ['', 'whole'],
    ['?family=server', 'job simulator'],
    ['?family=host,storage,switch', 'job simulator-infrastructure'],
  ]) {
    let bytes = 0;
    const times = await timed(async () => {
      bytes = (await (await fetch(`${sim.url}/metrics${query}`)).arrayBuffer()).byteLength;
    }, 10);
    console.log(
      `GET /metrics${query} (${SERVERS} servers, ${what}): ${(bytes / 2 ** 20).toFixed(1)} MiB, p50 ${pct(times, 50).toFixed(1)} ms, p99 ${pct(times, 99).toFixed(1)} ms`,
    );
    if (query)
      figures.push({
        figure: `simulator scrape ${query} at ${SERVERS} servers (p50 of 10)`,
        unit: 'ms',
        platform: pct(times, 50),
        reference: 50,
        referenceName: 'bound',
        better: 'lower',
        target: 1,
      });
  }

  const mem = process.memoryUsage();
  console.log(
    `process RSS ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`,
  );
  reportFigures('simulator-scale', figures);
  await sim.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
