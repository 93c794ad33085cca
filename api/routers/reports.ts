import { Hono } from 'hono';
import { WorkflowNotFoundError } from '@temporalio/client';
import { createReadStream, existsSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { FilterQuery } from '@mikro-orm/core';
import { Report } from '../../domain/entities';
import { can } from '../../domain/rbac/principal';
import {
  reportFormats,
  reportLanguages,
  reportRequestProblem,
  reportSectionNames,
} from '../../domain/reports/sections';
import { reportWorkflow, reportWorkflowId } from '../../workflows/report';
import { conflict, forbidden, notFound, unprocessable } from '../lib/api-error';
import { pathId } from '../lib/ids';
import { page, pageQuery } from '../lib/pagination';
import { principalOf } from '../lib/principal';
import { jsonBody, queryParams } from '../lib/validate';
import { requireAuth, requirePermission } from '../middleware/authenticate';
import type { AppEnv, Ctx } from '../deps';
import { reportView } from '../views/report';
import { requestBody as contractBody } from '../lib/request-schemas';

const requestBody = z
  .object({
    sections: z.array(z.enum(reportSectionNames)).min(1).max(reportSectionNames.length),
    format: z.enum(reportFormats).default('xlsx'),
    language: z.enum(reportLanguages).default('en'),
    tenantId: z.string().uuid().nullable().optional(),
    resourceType: z.string().min(1).max(40).nullable().optional(),
    from: z.string().datetime({ offset: true }).nullable().optional(),
    to: z.string().datetime({ offset: true }).nullable().optional(),
  })
  .strict();

const listQuery = pageQuery
  .extend({ status: z.enum(['queued', 'running', 'ready', 'failed', 'cancelled']).optional() })
  .strict();

const contentTypes = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

/**
 * Report exports (orders, resource inventory, usage, bills; audit and alarms for staff) as XLSX or CSV, written by the
 * `report-<id>` workflow and downloaded when ready. Tenants export their own tenant's rows; staff with
 * reports:read any tenant's or all. A user sees the reports he asked for; staff with reports:read see all.
 */
export const reportsRouter = new Hono<AppEnv>();
reportsRouter.use('*', requireAuth, requirePermission('reports:read', 'own:resources:read', 'own:orders:read'));

const staff = (c: Ctx) => can(principalOf(c), 'reports:read');

async function visibleReport(c: Ctx): Promise<Report> {
  const id = pathId(c.req.param('reportId') ?? '', 'report');
  const r = await c.get('em').findOne(Report, { id });
  if (!r || (!staff(c) && r.requestedBy !== principalOf(c).userId)) throw notFound('report', id);
  return r;
}

/** A report whose workflow is gone (the API died before starting it, or its history was removed) is failed, not left waiting. */
async function settleOrphan(c: Ctx, r: Report): Promise<void> {
  if (r.status !== 'queued' && r.status !== 'running') return;
  try {
    await c.get('deps').temporal.workflow.getHandle(reportWorkflowId(r.id)).describe();
  } catch (e) {
    if (!(e instanceof WorkflowNotFoundError)) throw e;
    r.status = 'failed';
    r.error = 'the export process was lost; request the report again';
    r.finishedAt = new Date();
    await c.get('em').flush();
  }
}

contractBody('POST /api/v1/reports', requestBody);
reportsRouter.post('/', async (c) => {
  const body = await jsonBody(c, requestBody);
  const p = principalOf(c);
  const isStaff = staff(c);
  // A tenant's report covers his own tenant; naming another is answered as for any object not his.
  if (!isStaff && body.tenantId && body.tenantId !== p.tenantId) throw notFound('tenant', body.tenantId);
  // Without reports:read a report covers the caller's own tenant; a caller with none has nothing to export.
  if (!isStaff && !p.tenantId) throw forbidden('requires permission reports:read');
  const from = body.from ? new Date(body.from) : null;
  const to = body.to ? new Date(body.to) : null;
  const problem = reportRequestProblem({ sections: body.sections, format: body.format, staff: isStaff, from, to });
  if (problem) throw unprocessable(problem);
  const report = Object.assign(new Report(), {
    requestedBy: p.userId,
    requesterTenantId: p.tenantId,
    sections: body.sections,
    format: body.format,
    language: body.language,
    filters: {
      tenantId: isStaff ? (body.tenantId ?? null) : p.tenantId,
      resourceType: body.resourceType ?? null,
      from: from?.toISOString() ?? null,
      to: to?.toISOString() ?? null,
    },
  });
  const em = c.get('em');
  await em.persistAndFlush(report);
  c.set('audit', {
    action: 'report.request',
    targetType: 'report',
    targetId: report.id,
    tenantId: report.filters.tenantId,
    details: { sections: report.sections, format: report.format, filters: report.filters },
  });
  const deps = c.get('deps');
  try {
    await deps.temporal.workflow.start(reportWorkflow, {
      taskQueue: deps.queues.orchestration,
      workflowId: reportWorkflowId(report.id),
      args: [{ reportId: report.id }],
    });
  } catch (e) {
    report.status = 'failed';
    report.error = 'the export could not be started; request it again';
    report.finishedAt = new Date();
    await em.flush();
    throw e;
  }
  return c.json(reportView(report), 202);
});

reportsRouter.get('/', async (c) => {
  const q = queryParams(c, listQuery);
  const where: FilterQuery<Report> = {
    ...(staff(c) ? {} : { requestedBy: principalOf(c).userId }),
    ...(q.status ? { status: q.status } : {}),
  };
  const [rows, total] = await c
    .get('em')
    .findAndCount(Report, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: q.limit, offset: q.offset });
  return c.json(page(rows.map(reportView), total, q));
});

reportsRouter.get('/:reportId', async (c) => {
  const r = await visibleReport(c);
  await settleOrphan(c, r);
  return c.json(reportView(r));
});

reportsRouter.get('/:reportId/download', async (c) => {
  const r = await visibleReport(c);
  await settleOrphan(c, r);
  if (r.status !== 'ready' || !r.filePath) throw conflict(`report ${r.id} is ${r.status}`, { status: r.status });
  if (!existsSync(r.filePath)) throw conflict(`the file of report ${r.id} is gone; request it again`);
  const name = `report-${r.createdAt.toISOString().slice(0, 10)}-${r.id.slice(0, 8)}.${r.format}`;
  const stream = Readable.toWeb(createReadStream(r.filePath)) as ReadableStream;
  return c.body(stream, 200, {
    'content-type': contentTypes[r.format],
    'content-disposition': `attachment; filename="${name}"`,
    ...(r.sizeBytes ? { 'content-length': String(r.sizeBytes) } : {}),
  });
});

reportsRouter.delete('/:reportId', async (c) => {
  const r = await visibleReport(c);
  const p = principalOf(c);
  if (r.requestedBy !== p.userId && !can(p, 'admins:manage'))
    throw forbidden('only the requester (or an administrator) deletes a report');
  c.set('audit', { action: 'report.delete', targetType: 'report', targetId: r.id, tenantId: r.filters.tenantId });
  if (r.status === 'queued' || r.status === 'running') {
    try {
      // The workflow's settlement marks it cancelled and removes whatever file it wrote.
      await c.get('deps').temporal.workflow.getHandle(reportWorkflowId(r.id)).cancel();
      return c.body(null, 204);
    } catch (e) {
      if (!(e instanceof WorkflowNotFoundError)) throw e;
    }
  }
  if (r.filePath) rmSync(r.filePath, { force: true });
  await c.get('em').removeAndFlush(r);
  return c.body(null, 204);
});
