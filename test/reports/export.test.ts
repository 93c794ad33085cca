import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Bill, BillLine, CloudResource, Order, OrderItem, Product, Report, UsageInterval } from '../../domain/entities';
import { eventually, waitFor } from '../support/eventually';
import { startTestPlatform, type TestPlatform } from '../support/platform';

describe('report exports: XLSX and CSV written by the report workflow, downloaded when ready', () => {
  let p: TestPlatform;
  let reportsDir: string;
  let a: Awaited<ReturnType<TestPlatform['tenantUser']>>;
  let b: Awaited<ReturnType<TestPlatform['tenantUser']>>;
  let staff: string;

  const jan = (day: number, hour = 8) => new Date(Date.UTC(2026, 0, day, hour, 30, 0));

  beforeAll(async () => {
    reportsDir = mkdtempSync(path.join(tmpdir(), 'cmp-reports-test-'));
    p = await startTestPlatform({ queues: ['orchestration'], activityDeps: { reportsDir } });
    a = await p.tenantUser(`reports-a-${Date.now()}`);
    b = await p.tenantUser();
    staff = (await p.staff(['om_admin'])).token;
    const em = p.db.orm.em.fork();
    for (const [tenant, n] of [
      [a, 3],
      [b, 2],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const order = Object.assign(new Order(), {
          tenantId: tenant.tenantId,
          userId: tenant.userId,
          status: 'delivered',
          hourlyPrice: 1.25 + i,
          monthlyPrice: 900.5 + i,
          createdAt: jan(i + 1),
          decidedAt: jan(i + 1, 9),
        });
        em.persist(order);
        em.persist(
          Object.assign(new OrderItem(), {
            orderId: order.id,
            position: 0,
            kind: i === 0 ? 'volume' : 'server',
            spec: i === 0 ? { kind: 'volume', name: `v${i}`, sizeGb: 10 } : { kind: 'server', name: `s${i}` },
            hourlyPrice: 1,
            monthlyPrice: 1,
          }),
        );
        em.persist(
          Object.assign(new CloudResource(), {
            tenantId: tenant.tenantId,
            kind: i === 0 ? 'volume' : 'server',
            name: `res-${i}`,
            status: 'active',
            openstackId: `os-${tenant.tenantId.slice(0, 8)}-${i}`,
            orderId: order.id,
            createdAt: jan(i + 1, 10),
          }),
        );
      }
    }
    await em.flush();
  });
  afterAll(async () => {
    await p?.close();
    rmSync(reportsDir, { recursive: true, force: true });
  });

  const ready = async (token: string, id: string) =>
    (
      await waitFor(
        `report ${id} ready`,
        () => p.call('GET', `/api/v1/reports/${id}`, { token }),
        (r) => r.body.status === 'ready',
      )
    ).body;
  const download = (token: string, id: string) =>
    p.app.request(`/api/v1/reports/${id}/download`, { headers: { authorization: `Bearer ${token}` } });

  it("writes a tenant's own orders and inventory as XLSX in Chinese, typed, formatted, header frozen", async () => {
    const r = await p.call('POST', '/api/v1/reports', {
      token: a.token,
      body: { sections: ['orders', 'inventory'], language: 'zh-CN' },
    });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ status: 'queued', format: 'xlsx', filters: { tenantId: a.tenantId } });
    const done = await ready(a.token, r.body.id);
    expect(done.progress).toEqual({ rowsWritten: 6, totalRows: 6 });
    expect(done.downloadUrl).toBe(`/api/v1/reports/${r.body.id}/download`);

    const res = await download(a.token, r.body.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="report-\d{4}-\d{2}-\d{2}-/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['订单', '资源清单']);
    const orders = wb.getWorksheet('订单')!;
    expect(orders.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(orders.getRow(1).values).toEqual(expect.arrayContaining(['订单号', '租户', '小时单价', '提交时间']));
    expect(orders.getRow(1).font?.bold).toBe(true);
    expect(orders.rowCount).toBe(4);
    const headers = (orders.getRow(1).values as string[]).slice(1);
    const cell = (row: number, header: string) => orders.getRow(row).getCell(headers.indexOf(header) + 1);
    // Oldest first: the first data row is the order of 1 January.
    expect(cell(2, '租户').value).toMatch(/^reports-a-/);
    expect(cell(2, '提交时间').value).toEqual(jan(1));
    expect(cell(2, '提交时间').numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(cell(2, '小时单价').value).toBe(1.25);
    expect(cell(2, '小时单价').numFmt).toBe('#,##0.00');
    expect(cell(2, '资源项数').value).toBe(1);
    expect(cell(2, '资源类型').value).toBe('volume');
    const inventory = wb.getWorksheet('资源清单')!;
    expect(inventory.rowCount).toBe(4);
    const names = [2, 3, 4].map((row) => inventory.getRow(row).getCell(4).value);
    expect(names).toEqual(['res-0', 'res-1', 'res-2']);
  });

  it('writes one section as CSV with a byte order mark, filtered by resource type and period, for staff over all tenants', async () => {
    const r = await p.call('POST', '/api/v1/reports', {
      token: staff,
      body: {
        sections: ['inventory'],
        format: 'csv',
        resourceType: 'server',
        to: jan(2, 23).toISOString(),
      },
    });
    expect(r.status).toBe(202);
    await ready(staff, r.body.id);
    const res = await download(staff, r.body.id);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
    expect(text.startsWith('\ufeffResource,Tenant,Type,Name,')).toBe(true);
    const rows = text.trim().split('\r\n').slice(1);
    // Servers created up to 2 January: res-1 of each tenant.
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/,server,res-1,active,/);
    expect(rows.join('\n')).toContain('2026-01-02T10:30:00.000Z');
  });

  it('exports the audit log and alarms for staff, the audit log filtered to one tenant', async () => {
    const r = await p.call('POST', '/api/v1/reports', {
      token: staff,
      body: { sections: ['audit', 'alarms'], tenantId: a.tenantId },
    });
    expect(r.status).toBe(202);
    const done = await ready(staff, r.body.id);
    expect(done.progress.rowsWritten).toBeGreaterThan(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await (await download(staff, r.body.id)).arrayBuffer()) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Audit log', 'Alarms']);
    const audit = wb.getWorksheet('Audit log')!;
    const headers = (audit.getRow(1).values as string[]).slice(1);
    const actions: unknown[] = [];
    audit.eachRow((row, n) => {
      if (n === 1) return;
      expect(typeof row.getCell(1).value).toBe('number');
      expect(row.getCell(headers.indexOf('Tenant') + 1).value).toMatch(/^reports-a-/);
      actions.push(row.getCell(headers.indexOf('Action') + 1).value);
    });
    // Tenant a's own requests are in his tenant's audit trail; tenant b's are not.
    expect(actions).toContain('report.request');
  });

  it('counts and writes only the orders holding an item of the resource type asked for, in the period', async () => {
    const r = await p.call('POST', '/api/v1/reports', {
      token: staff,
      body: { sections: ['orders'], format: 'csv', resourceType: 'server', from: jan(2).toISOString() },
    });
    const done = await ready(staff, r.body.id);
    // Orders of 2 and 3 January for tenant a, of 2 January for tenant b: all server orders.
    expect(done.progress).toEqual({ rowsWritten: 3, totalRows: 3 });
    const text = Buffer.from(await (await download(staff, r.body.id)).arrayBuffer()).toString('utf8');
    expect(text.trim().split('\r\n').slice(1)).toHaveLength(3);
    expect(text).not.toContain(',volume,');
  });

  it("exports a tenant's own usage (hours inside the period) and bill lines, typed and formatted", async () => {
    const em = p.db.orm.em.fork();
    const product = Object.assign(new Product(), {
      kind: 'server',
      name: `report-flavor-${Date.now()}`,
      hourlyPrice: 0.5,
      monthlyPrice: 300,
    });
    em.persist(product);
    for (const t of [a, b]) {
      const resourceId = randomUUID();
      // Running 1 Jan 00:00 to 3 Jan 00:00; stopped since (open).
      em.persist(
        Object.assign(new UsageInterval(), {
          tenantId: t.tenantId,
          resourceId,
          resourceKind: 'server',
          resourceName: 'web-1',
          seq: 0,
          productId: product.id,
          quantity: 2,
          state: 'running',
          startedAt: new Date(Date.UTC(2026, 0, 1)),
          startEvent: 'delivered',
          endedAt: new Date(Date.UTC(2026, 0, 3)),
          endEvent: 'stopped',
        }),
      );
      em.persist(
        Object.assign(new UsageInterval(), {
          tenantId: t.tenantId,
          resourceId,
          resourceKind: 'server',
          resourceName: 'web-1',
          seq: 1,
          productId: product.id,
          quantity: 2,
          state: 'stopped',
          startedAt: new Date(Date.UTC(2026, 0, 3)),
          startEvent: 'stopped',
        }),
      );
      const bill = Object.assign(new Bill(), {
        tenantId: t.tenantId,
        periodKind: 'month',
        periodStart: new Date(Date.UTC(2026, 0, 1)),
        periodEnd: new Date(Date.UTC(2026, 1, 1)),
        status: 'closed',
        usageTotal: 48,
        adjustmentTotal: -1.5,
      });
      em.persist(bill);
      // The lines are read in the order they were written: the usage line at the period's close, the backfill's after it
      // (made in one millisecond, their order would fall to their random ids).
      for (const [kind, amount, runId, createdAt] of [
        ['usage', 48, '', new Date(Date.UTC(2026, 1, 1))],
        ['adjustment', -1.5, 'backfill-1', new Date(Date.UTC(2026, 1, 2))],
      ] as const)
        em.persist(
          Object.assign(new BillLine(), {
            billId: bill.id,
            tenantId: t.tenantId,
            kind,
            resourceId,
            resourceKind: 'server',
            resourceName: 'web-1',
            productId: product.id,
            quantity: 2,
            hours: 48,
            unitPrice: kind === 'usage' ? 0.5 : null,
            amount,
            runId,
            createdAt,
          }),
        );
    }
    await em.flush();

    const r = await p.call('POST', '/api/v1/reports', {
      token: a.token,
      body: {
        sections: ['usage', 'bills'],
        from: new Date(Date.UTC(2026, 0, 2)).toISOString(),
        to: new Date(Date.UTC(2026, 0, 4)).toISOString(),
      },
    });
    expect(r.status).toBe(202);
    const done = await ready(a.token, r.body.id);
    expect(done.progress).toEqual({ rowsWritten: 4, totalRows: 4 });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await (await download(a.token, r.body.id)).arrayBuffer()) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Usage', 'Bills']);
    const sheet = (name: string) => {
      const ws = wb.getWorksheet(name)!;
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      const headers = (ws.getRow(1).values as string[]).slice(1);
      return { ws, cell: (row: number, header: string) => ws.getRow(row).getCell(headers.indexOf(header) + 1) };
    };
    const usage = sheet('Usage');
    expect(usage.ws.rowCount).toBe(3);
    for (const row of [2, 3]) {
      expect(usage.cell(row, 'Tenant').value).toMatch(/^reports-a-/);
      expect(usage.cell(row, 'Product').value).toBe(product.name);
      expect(usage.cell(row, 'Quantity').value).toBe(2);
      expect(usage.cell(row, 'Hours').numFmt).toBe('#,##0.00##');
    }
    expect(usage.cell(2, 'State').value).toBe('running');
    expect(usage.cell(2, 'From').value).toEqual(new Date(Date.UTC(2026, 0, 1)));
    expect(usage.cell(2, 'From').numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    // Inside 2-4 January: the running interval's last day, the open stopped one's first day.
    expect(usage.cell(2, 'Hours').value).toBe(24);
    expect(usage.cell(3, 'Hours').value).toBe(24);
    expect(usage.cell(3, 'To').value).toBeNull();
    const bills = sheet('Bills');
    expect(bills.ws.rowCount).toBe(3);
    expect([2, 3].map((row) => bills.cell(row, 'Line').value)).toEqual(['usage', 'adjustment']);
    expect(bills.cell(2, 'Tenant').value).toMatch(/^reports-a-/);
    expect(bills.cell(2, 'Bill status').value).toBe('closed');
    expect(bills.cell(2, 'Period from').value).toEqual(new Date(Date.UTC(2026, 0, 1)));
    expect(bills.cell(2, 'Unit price').value).toBe(0.5);
    expect(bills.cell(2, 'Amount').value).toBe(48);
    expect(bills.cell(2, 'Amount').numFmt).toBe('#,##0.00');
    expect(bills.cell(3, 'Amount').value).toBe(-1.5);
    expect(bills.cell(3, 'Unit price').value).toBeNull();

    // A period after the bill's: none of its lines.
    const later = await p.call('POST', '/api/v1/reports', {
      token: staff,
      body: {
        sections: ['bills'],
        format: 'csv',
        tenantId: a.tenantId,
        from: new Date(Date.UTC(2026, 1, 2)).toISOString(),
      },
    });
    expect((await ready(staff, later.body.id)).progress).toEqual({ rowsWritten: 0, totalRows: 0 });
  });

  it('refuses what a report cannot be, and sections a tenant may not export', async () => {
    const bad = async (token: string, body: unknown, status = 422) =>
      expect((await p.call('POST', '/api/v1/reports', { token, body })).status).toBe(status);
    await bad(a.token, { sections: ['audit'] });
    await bad(a.token, { sections: ['orders', 'inventory'], format: 'csv' });
    await bad(a.token, { sections: ['orders'], from: jan(5).toISOString(), to: jan(1).toISOString() });
    await bad(a.token, { sections: ['bogus'] });
    await bad(a.token, { sections: [] });
    await bad(a.token, { sections: ['orders'], format: 'pdf' });
    await bad(a.token, { sections: ['orders'], tenantId: b.tenantId }, 404);
    const r = await p.call('POST', '/api/v1/reports', { token: a.token, raw: '{"sections":' });
    expect(r.status).toBe(400);
    // An administrator narrowed to a tenant's permissions has no tenant: no report of everybody's rows.
    const narrowed = (await p.staff(['platform_admin'], ['own:orders:read', 'own:resources:read'])).token;
    await bad(narrowed, { sections: ['orders'] }, 403);
  });

  it("keeps one user's reports from another, and deletes a report with its file", async () => {
    const r = await p.call('POST', '/api/v1/reports', { token: a.token, body: { sections: ['orders'] } });
    await ready(a.token, r.body.id);
    const file = (await p.db.orm.em.fork().findOneOrFail(Report, r.body.id)).filePath!;
    expect(existsSync(file)).toBe(true);
    expect((await p.call('GET', `/api/v1/reports/${r.body.id}`, { token: b.token })).status).toBe(404);
    expect((await download(b.token, r.body.id)).status).toBe(404);
    expect((await p.call('DELETE', `/api/v1/reports/${r.body.id}`, { token: b.token })).status).toBe(404);
    const mine = await p.call('GET', '/api/v1/reports?status=ready', { token: a.token });
    expect(mine.body.items.map((x: { id: string }) => x.id)).toContain(r.body.id);
    const theirs = await p.call('GET', '/api/v1/reports', { token: b.token });
    expect(theirs.body.total).toBe(0);
    expect((await p.call('DELETE', `/api/v1/reports/${r.body.id}`, { token: staff })).status).toBe(403);
    expect((await p.call('DELETE', `/api/v1/reports/${r.body.id}`, { token: a.token })).status).toBe(204);
    expect(existsSync(file)).toBe(false);
    expect((await p.call('GET', `/api/v1/reports/${r.body.id}`, { token: a.token })).status).toBe(404);
  });

  it('fails a report whose process was lost instead of leaving it queued, and refuses its download', async () => {
    const em = p.db.orm.em.fork();
    const lost = Object.assign(new Report(), {
      requestedBy: a.userId,
      requesterTenantId: a.tenantId,
      sections: ['orders'],
      format: 'xlsx',
      language: 'en',
      filters: { tenantId: a.tenantId, resourceType: null, from: null, to: null },
    });
    await em.persistAndFlush(lost);
    const r = await p.call('GET', `/api/v1/reports/${lost.id}`, { token: a.token });
    expect(r.body).toMatchObject({ status: 'failed', error: expect.stringContaining('request the report again') });
    expect((await download(a.token, lost.id)).status).toBe(409);
  });

  it('ends failed with the cause when the file cannot be written', async () => {
    const notADir = path.join(reportsDir, 'a-file');
    writeFileSync(notADir, 'x');
    const broken = await startTestPlatform({
      queues: ['orchestration'],
      activityDeps: { reportsDir: path.join(notADir, 'reports') },
    });
    try {
      const t = await broken.tenantUser();
      const r = await broken.call('POST', '/api/v1/reports', { token: t.token, body: { sections: ['orders'] } });
      const { body: failed } = await eventually(
        () => broken.call('GET', `/api/v1/reports/${r.body.id}`, { token: t.token }),
        (g) => g.body.status === 'failed',
      );
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/ENOTDIR|not a directory/i);
      const res = await broken.app.request(`/api/v1/reports/${r.body.id}/download`, {
        headers: { authorization: `Bearer ${t.token}` },
      });
      expect(res.status).toBe(409);
    } finally {
      await broken.close();
    }
  });
});
