/**
 * Site first answer: for each tier, sites ordered and approved one after another, each timed from the operator's
 * approve call to (a) the site ready and (b) the first HTTP 200 of its PHP page (which reads a row of the site's
 * database). (b) includes the upload and publish of that page, made as soon as the site is ready. Shared: a site with
 * a database, its page through the shared host's nginx with the site's Host header; dedicated: 2 web servers, its
 * page through the load balancer's listener (the site's host record's address and members.port). Real Temporal,
 * nginx/php-fpm, the database service's MariaDB; the simulator stands in for OpenStack (its server build time is
 * CMP_BENCH_SITE_BUILD_MS, 100 ms by default: a real Nova boot is not in the figure). Each site is removed after its
 * trial. There is no published figure to compare with: the reference is this project's own target. Asserts nothing.
 *   npx tsx bench/site-first-answer.ts [trials per tier, default 3] [tiers, default shared,dedicated]
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../config';
import { httpGet } from '../activities/sites/health-check';
import { sitesSettingsFromConfig, type SitesSettings } from '../activities/sites/settings';
import type { LocalFrontDoor } from '../activities/sites/front-door';
import { Site, SiteHost } from '../domain/entities';
import { stopProcess } from '../scripts/lib/children';
import { startTemporalDevServer } from '../scripts/lib/temporal-cli';
import { startTestDbService, type TestDbService } from '../test/dbservice/instance';
import { waitFor } from '../test/support/eventually';
import { freePort } from '../test/support/free-port';
import { startOrderRig, type OrderRig } from '../test/orders/support';
import { tarGz } from '../test/sites/support';
import { reportFigures, type Figure } from './lib/figures';

const TRIALS = Number(process.argv[2] ?? 3);
const TIERS = (process.argv[3] ?? 'shared,dedicated').split(',') as Tier[];
const BUILD_MS = Number(process.env.CMP_BENCH_SITE_BUILD_MS ?? 100);
type Tier = 'shared' | 'dedicated';

/** Targets, not measurements of another product: no published time from approval to a first answer exists to compare. */
const TARGET_S: Record<Tier, number> = { shared: 30, dedicated: 120 };
const POLL_MS = 20;

const phpPage = `<?php
$db = new mysqli(getenv('CMP_DB_HOST'), getenv('CMP_DB_USER'), getenv('CMP_DB_PASSWORD'), getenv('CMP_DB_NAME'), (int) getenv('CMP_DB_PORT'));
$db->query('CREATE TABLE IF NOT EXISTS notes (body VARCHAR(64))');
echo 'server=' . $_SERVER['SERVER_ADDR'] . ' rows=' . $db->query('SELECT COUNT(*) FROM notes')->fetch_row()[0];
`;

interface Trial {
  readyS: number;
  answerS: number;
  publishedS: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'cmp-bench-sites-'));
  chmodSync(work, 0o755);
  const tport = await freePort();
  const temporal = await startTemporalDevServer({ port: tport });
  process.env.TEMPORAL_ADDRESS = `127.0.0.1:${tport}`;
  let dbsvc: TestDbService | undefined;
  let rig: OrderRig | undefined;
  let sites: SitesSettings | undefined;
  const made: string[] = [];
  const results: Record<string, Trial[]> = {};
  try {
    dbsvc = await startTestDbService();
    const sharedPort = await freePort();
    const cfg = parseConfig({
      NODE_ENV: 'test',
      DATA_DIR: work,
      SITES_DIR: path.join(work, 'sites'),
      SITES_HTTP_PORT: String(sharedPort),
      SITES_FPM_BASE_PORT: String(23_000 + (process.pid % 500) * 10),
      SITES_MEMBER_HTTP_PORT: String(await freePort()),
      SITES_FRONT_DOOR_PORT: String(await freePort()),
      SITES_FTP_PORT: '0',
      SITES_DOMAIN: 'sites.localhost',
    });
    sites = { ...sitesSettingsFromConfig(cfg)!, healthCheckIntervalMs: 60_000 };
    rig = await startOrderRig({
      buildMs: BUILD_MS,
      sim: { dataPlane: true },
      platform: {
        env: { DBSERVICE_URL: dbsvc.adminUrl, DBSERVICE_BACKUP_DIR: dbsvc.backupDir },
        activityDeps: { sites, dbservice: dbsvc.settings },
      },
    });
    const r = rig;
    r.p.deps.sites = sites;
    for (const body of [
      { kind: 'site', name: `site-${Date.now()}`, hourlyPrice: 0.01, monthlyPrice: 5 },
      { kind: 'load_balancer', name: `lb-${Date.now()}`, hourlyPrice: 0.02, monthlyPrice: 12 },
    ]) {
      const res = await r.p.call('POST', '/api/v1/catalog/products', { token: r.operator, body });
      if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const host = await r.p.call('POST', '/api/v1/site-hosts', {
      token: await r.p.adminToken(),
      body: { name: 'shared-1', address: '127.0.0.1', capacitySites: 10, capacityDiskMb: 1000 },
    });
    if (host.status !== 201) throw new Error(`site host: ${host.status} ${JSON.stringify(host.body)}`);
    const tenant = await r.p.tenantUser('bench-sites');
    const call = (method: string, url: string, body?: unknown, token = tenant.token) =>
      r.p.call(method, `/api/v1${url}`, { token, body });

    /** Where the site's page answers: the shared host's nginx, or the load balancer's listener. */
    const endpointOf = async (tier: Tier, id: string) => {
      if (tier === 'shared') return { address: '127.0.0.1', port: sharedPort };
      const em = r.p.db.orm.em.fork();
      const h = await em.findOneOrFail(SiteHost, { id: (await em.findOneOrFail(Site, { id })).hostId });
      return { address: h.address, port: h.members!.port };
    };

    const trial = async (tier: Tier, name: string): Promise<Trial> => {
      const body: Record<string, unknown> = { name, diskMb: 20, database: true };
      if (tier === 'dedicated')
        Object.assign(body, {
          tier,
          dedicated: {
            servers: 2,
            flavorId: r.flavorId,
            imageId: r.imageId,
            volumeGb: 2,
            backup: { intervalHours: 24, keep: 2 },
          },
        });
      const ordered = await call('POST', '/sites', body);
      if (ordered.status !== 201) throw new Error(`order ${name}: ${ordered.status} ${JSON.stringify(ordered.body)}`);
      const id = ordered.body.site.id as string;
      made.push(id);
      await waitFor(
        `order of ${name} waiting for approval`,
        () => r.p.call('GET', `/api/v1/orders/${ordered.body.orderId}`, { token: r.operator }),
        (o) => o.body.status === 'pending_approval',
      );
      const t0 = Date.now();
      const approved = await r.p.call('POST', `/api/v1/orders/${ordered.body.orderId}/approve`, {
        token: r.operator,
        body: { reason: 'bench' },
      });
      if (approved.status !== 200) throw new Error(`approve ${name}: ${approved.status}`);
      const ready = await waitFor(
        `${name} ready`,
        () => call('GET', `/sites/${id}`),
        (s) => s.body.status === 'ready' || s.body.status === 'failed',
        300_000,
        POLL_MS,
      );
      if (ready.body.status !== 'ready') throw new Error(`${name} ${ready.body.status}: ${JSON.stringify(ready.body)}`);
      const readyS = (Date.now() - t0) / 1000;
      const up = await r.p.app.request(`/api/v1/sites/${id}/releases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/gzip' },
        body: tarGz(work, name, { 'index.php': phpPage }),
      });
      if (up.status !== 201) throw new Error(`upload ${name}: ${up.status} ${await up.text()}`);
      const release = ((await up.json()) as { number: number }).number;
      const pub = await call('POST', `/sites/${id}/releases/${release}/publish`, {});
      if (pub.status !== 200) throw new Error(`publish ${name}: ${pub.status} ${JSON.stringify(pub.body)}`);
      const publishedS = (Date.now() - t0) / 1000;
      const at = await endpointOf(tier, id);
      const hostname = `${name}.sites.localhost`;
      await waitFor(
        `${name}'s page through ${at.address}:${at.port}`,
        () => httpGet(at.address, at.port, hostname, '/', 2000).catch((e: Error) => ({ status: 0, body: e.message })),
        (a) => a.status === 200 && a.body.includes('rows=0'),
        120_000,
        POLL_MS,
      );
      const answerS = (Date.now() - t0) / 1000;
      const del = await call('DELETE', `/sites/${id}`);
      if (del.status !== 202) throw new Error(`remove ${name}: ${del.status}`);
      await waitFor(
        `${name} removed`,
        () => call('GET', `/sites/${id}`),
        (s) => s.body.status === 'removed' || s.status === 404,
        120_000,
      );
      made.splice(made.indexOf(id), 1);
      return { readyS, publishedS, answerS };
    };

    for (const tier of TIERS) {
      results[tier] = [];
      for (let i = 1; i <= TRIALS; i++) {
        const t = await trial(tier, `bench${tier[0]}${i}`);
        console.log(
          `${tier} #${i}: ready ${t.readyS.toFixed(2)} s, uploaded and published ${t.publishedS.toFixed(2)} s, first 200 ${t.answerS.toFixed(2)} s`,
        );
        results[tier].push(t);
      }
    }
  } finally {
    if (rig) {
      for (const id of made)
        await rig.p.call('DELETE', `/api/v1/sites/${id}`, { token: await rig.p.adminToken() }).catch(() => undefined);
      // Every web server's stack started here, and the shared host's and the front door's.
      for (const h of await rig.p.db.orm.em.fork().find(SiteHost, {}))
        if (h.driver !== 'members' || h.members)
          await sites!.agents
            .forHost(h)
            .stop()
            .catch(() => undefined);
      await (sites?.frontDoor as LocalFrontDoor | undefined)?.stop();
      await rig.close();
    }
    await dbsvc?.stop();
    await stopProcess(temporal);
    rmSync(work, { recursive: true, force: true });
  }

  const figures: Figure[] = [];
  console.log(
    `\nSite first answer (${TRIALS} trials per tier, one at a time; simulator build time ${BUILD_MS} ms; ` +
      `"first answer" includes the upload and publish made as soon as the site is ready):`,
  );
  for (const tier of TIERS) {
    const ts = results[tier] ?? [];
    const what = tier === 'shared' ? 'shared, with a database' : 'dedicated, 2 web servers behind the load balancer';
    for (const [label, pick] of [
      ['approval → site ready', (t: Trial) => t.readyS],
      ['approval → first 200 (upload + publish included)', (t: Trial) => t.answerS],
    ] as const) {
      const xs = ts.map(pick);
      const med = median(xs);
      const worst = Math.max(...xs);
      console.log(
        `  ${what}: ${label}: median ${med.toFixed(2)} s, worst ${worst.toFixed(2)} s; ` +
          `target ${TARGET_S[tier]} s (a target, not a measured competitor), ratio (target / worst) ${(TARGET_S[tier] / worst).toFixed(1)}x`,
      );
      figures.push({
        figure: `site ${tier}: ${label}, worst of ${xs.length}`,
        unit: 's',
        platform: worst,
        reference: TARGET_S[tier],
        referenceName: 'target',
        better: 'lower',
        target: 1,
        note:
          tier === 'shared'
            ? `median ${med.toFixed(2)} s; no cloud object: the shared host's nginx/php-fpm and the database service's MariaDB`
            : `median ${med.toFixed(2)} s; OpenStack simulated (server build ${BUILD_MS} ms), a real Nova boot and cloud-init add their own time`,
      });
    }
  }
  reportFigures('site-first-answer', figures);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
