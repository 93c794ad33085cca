import { Hono } from 'hono';
import { z } from 'zod';
import { promInstantQuery, promRangeQuery } from '../../activities/metrics/prometheus-client';
import { metricCatalog, objectTypes, type MetricCatalog, type ObjectType } from '../../domain/monitoring/catalog';
import { boundedStep, figureQuery, idOf, type Selector } from '../../domain/monitoring/promql';
import { parseRange } from '../../domain/monitoring/time-range';
import { CloudResource } from '../../domain/entities';
import { ApiError, forbidden, notFound, unprocessable } from '../lib/api-error';
import { principalOf } from '../lib/principal';
import { queryInt, queryParams } from '../lib/validate';
import { requireAuth } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';

const historyQuery = z
  .object({
    metric: z.string().min(1),
    start: z.string().optional(),
    end: z.string().optional(),
    step: queryInt(z.number().int().min(1).max(86400)).optional(),
  })
  .strict();
const topQuery = z
  .object({
    type: z.enum(objectTypes),
    metric: z.string().min(1),
    limit: queryInt(z.number().int().min(1).max(100)).default('10'),
  })
  .strict();

const catalogs = new Map<string, MetricCatalog>();
function catalogOf(c: Ctx): MetricCatalog {
  const key = c.get('deps').config.MONITORING_METRICS ?? '';
  let cat = catalogs.get(key);
  if (!cat) catalogs.set(key, (cat = metricCatalog(key || undefined)));
  return cat;
}

function prometheus(c: Ctx): string {
  const url = c.get('deps').config.PROMETHEUS_URL;
  if (!url) throw new ApiError(503, 'monitoring_unavailable', 'no Prometheus is configured (PROMETHEUS_URL)');
  return url;
}

/** Prometheus failures: a refused expression is the platform's fault (500), an unreachable server 503. */
async function ask<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if ((e as { type?: string }).type === 'PrometheusBadQuery')
      throw new ApiError(500, 'monitoring_query_refused', (e as Error).message);
    throw new ApiError(503, 'monitoring_unavailable', `Prometheus did not answer: ${(e as Error).message}`);
  }
}

const isStaff = (c: Ctx) => principalOf(c).permissions.has('monitoring:read');

/** The tenant's servers as their OpenStack ids (the label the exporters use). */
async function ownServers(c: Ctx): Promise<string[]> {
  const p = principalOf(c);
  const rows = await c.get('em').find(CloudResource, {
    tenantId: p.tenantId!,
    kind: 'server',
    status: { $ne: 'deleted' },
    openstackId: { $ne: null },
  });
  return rows.map((r) => r.openstackId!);
}

/**
 * The object a statistics request names, as its id in the metrics. Staff (monitoring:read) may name
 * any object; a tenant only his own servers, by platform or OpenStack id: anything else is 404.
 */
async function target(c: Ctx): Promise<{ type: ObjectType; id: string }> {
  const type = c.req.param('type') as ObjectType;
  const id = c.req.param('id')!;
  if (!(objectTypes as readonly string[]).includes(type)) throw notFound('object type', type);
  if (isStaff(c)) {
    if (type !== 'server') return { type, id };
    const r = await c.get('em').findOne(CloudResource, { kind: 'server', id });
    return { type, id: r?.openstackId ?? id };
  }
  const p = principalOf(c);
  if (!p.tenantId || !p.permissions.has('own:resources:read'))
    throw forbidden('requires permission monitoring:read or own:resources:read');
  if (type !== 'server') throw notFound(type, id);
  const r = await c.get('em').findOne(CloudResource, {
    kind: 'server',
    tenantId: p.tenantId,
    status: { $ne: 'deleted' },
    $or: [{ id }, { openstackId: id }],
  });
  if (!r?.openstackId) throw notFound('server', id);
  return { type, id: r.openstackId };
}

function figure(cat: MetricCatalog, type: ObjectType, metric: string) {
  const def = cat[type].metrics[metric];
  if (!def)
    throw unprocessable(`unknown metric ${metric} of ${type}`, [
      { path: 'metric', message: `one of ${Object.keys(cat[type].metrics).join(', ')}` },
    ]);
  return def;
}

/**
 * Performance statistics from Prometheus: the catalog of figures, one object's history (a bounded
 * number of points) and current values, and top-N lists.
 */
export const monitoringRouter = new Hono<AppEnv>();
monitoringRouter.use('*', requireAuth);

monitoringRouter.get('/catalog', (c) => {
  const cat = catalogOf(c);
  const visible = isStaff(c) ? objectTypes : (['server'] as const);
  return c.json({
    types: visible.map((t) => ({
      type: t,
      metrics: Object.entries(cat[t].metrics).map(([name, d]) => ({ name, unit: d.unit, help: d.help })),
    })),
  });
});

monitoringRouter.get('/top', async (c) => {
  const q = queryParams(c, topQuery);
  const cat = catalogOf(c);
  const def = figure(cat, q.type, q.metric);
  let sel: Selector = { kind: 'all' };
  if (!isStaff(c)) {
    if (q.type !== 'server') throw forbidden('tenants see their own servers only');
    const ids = await ownServers(c);
    if (!ids.length) return c.json({ type: q.type, metric: q.metric, unit: def.unit, items: [] });
    sel = { kind: 'ids', ids };
  }
  const rate = c.get('deps').config.MONITORING_RATE_WINDOW_SECONDS;
  const samples = await ask(() =>
    promInstantQuery(prometheus(c), `topk(${q.limit}, ${figureQuery(cat, q.type, q.metric, sel, rate)})`),
  );
  const items = samples
    .filter((s) => Number.isFinite(s.value))
    .sort((a, b) => b.value - a.value)
    .map((s) => ({ id: idOf(cat, q.type, s.labels), value: s.value }));
  return c.json({ type: q.type, metric: q.metric, unit: def.unit, items });
});

monitoringRouter.get('/:type/:id/current', async (c) => {
  const t = await target(c);
  const cat = catalogOf(c);
  const rate = c.get('deps').config.MONITORING_RATE_WINDOW_SECONDS;
  const values: Record<string, number | null> = {};
  await ask(async () => {
    for (const name of Object.keys(cat[t.type].metrics)) {
      const s = await promInstantQuery(
        prometheus(c),
        figureQuery(cat, t.type, name, { kind: 'ids', ids: [t.id] }, rate),
      );
      values[name] = s[0] && Number.isFinite(s[0].value) ? s[0].value : null;
    }
  });
  return c.json({ type: t.type, id: t.id, at: new Date().toISOString(), values });
});

monitoringRouter.get('/:type/:id/history', async (c) => {
  const q = queryParams(c, historyQuery);
  const t = await target(c);
  const cat = catalogOf(c);
  const def = figure(cat, t.type, q.metric);
  const range = parseRange(q);
  if ('problems' in range) throw unprocessable('the time range is invalid', range.problems);
  const cfg = c.get('deps').config;
  const step = boundedStep(range.start.getTime(), range.end.getTime(), cfg.MONITORING_MAX_POINTS, q.step);
  const expr = figureQuery(
    cat,
    t.type,
    q.metric,
    { kind: 'ids', ids: [t.id] },
    Math.max(cfg.MONITORING_RATE_WINDOW_SECONDS, step),
  );
  const series = await ask(() => promRangeQuery(prometheus(c), expr, range.start, range.end, step));
  const points = series[0]?.points ?? [];
  return c.json({
    type: t.type,
    id: t.id,
    metric: q.metric,
    unit: def.unit,
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    step,
    maxPoints: cfg.MONITORING_MAX_POINTS,
    points,
  });
});
