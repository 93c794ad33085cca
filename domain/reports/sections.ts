/**
 * What a report can hold: its sections (one sheet each in XLSX), their columns with a cell type, and
 * the headers in the portal's two languages. Which rows a section reads is the activity's business
 * (activities/db/report-rows.ts); this module is the shape both the writer and the API agree on.
 */
export const reportFormats = ['xlsx', 'csv'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export const reportLanguages = ['en', 'zh-CN'] as const;
export type ReportLanguage = (typeof reportLanguages)[number];

export const reportSectionNames = ['orders', 'inventory', 'usage', 'bills', 'audit', 'alarms'] as const;
export type ReportSectionName = (typeof reportSectionNames)[number];

/**
 * `money` is a number shown with two decimals, `decimal` one with two to four (quantities, hours), `date` a timestamp
 * shown in local date-time form.
 */
export type ReportCellType = 'string' | 'integer' | 'decimal' | 'money' | 'date';
export type ReportCell = string | number | Date | null;

export interface ReportColumn {
  key: string;
  type: ReportCellType;
  header: Record<ReportLanguage, string>;
  /** Column width in characters (XLSX). */
  width: number;
}

export interface ReportSection {
  name: ReportSectionName;
  title: Record<ReportLanguage, string>;
  /** Only staff with reports:read export it (the platform's own records, not a tenant's). */
  staffOnly: boolean;
  columns: ReportColumn[];
}

const col = (key: string, type: ReportCellType, en: string, zh: string, width = 18): ReportColumn => ({
  key,
  type,
  header: { en, 'zh-CN': zh },
  width,
});

export const reportSections: Record<ReportSectionName, ReportSection> = {
  orders: {
    name: 'orders',
    title: { en: 'Orders', 'zh-CN': '订单' },
    staffOnly: false,
    columns: [
      col('id', 'string', 'Order', '订单号', 38),
      col('tenant', 'string', 'Tenant', '租户', 24),
      col('status', 'string', 'Status', '状态', 14),
      col('items', 'integer', 'Items', '资源项数', 10),
      col('kinds', 'string', 'Resource types', '资源类型', 24),
      col('hourlyPrice', 'money', 'Hourly price', '小时单价', 14),
      col('monthlyPrice', 'money', 'Monthly price', '月单价', 14),
      col('createdAt', 'date', 'Submitted', '提交时间', 20),
      col('decidedAt', 'date', 'Decided', '审批时间', 20),
      col('decisionReason', 'string', 'Decision reason', '审批意见', 30),
      col('closedAt', 'date', 'Closed', '完成时间', 20),
    ],
  },
  inventory: {
    name: 'inventory',
    title: { en: 'Resource inventory', 'zh-CN': '资源清单' },
    staffOnly: false,
    columns: [
      col('id', 'string', 'Resource', '资源编号', 38),
      col('tenant', 'string', 'Tenant', '租户', 24),
      col('kind', 'string', 'Type', '类型', 14),
      col('name', 'string', 'Name', '名称', 24),
      col('status', 'string', 'Status', '状态', 12),
      col('osStatus', 'string', 'OpenStack status', 'OpenStack 状态', 16),
      col('openstackId', 'string', 'OpenStack id', 'OpenStack 编号', 38),
      col('orderId', 'string', 'Order', '订单号', 38),
      col('createdAt', 'date', 'Created', '创建时间', 20),
      col('deletedAt', 'date', 'Deleted', '删除时间', 20),
    ],
  },
  usage: {
    name: 'usage',
    title: { en: 'Usage', 'zh-CN': '用量' },
    staffOnly: false,
    columns: [
      col('id', 'string', 'Interval', '计量区间', 38),
      col('tenant', 'string', 'Tenant', '租户', 24),
      col('resourceKind', 'string', 'Type', '类型', 14),
      col('resourceName', 'string', 'Resource', '资源', 24),
      col('resourceId', 'string', 'Resource id', '资源编号', 38),
      col('product', 'string', 'Product', '产品', 24),
      col('quantity', 'decimal', 'Quantity', '数量', 10),
      col('state', 'string', 'State', '状态', 10),
      col('startedAt', 'date', 'From', '开始时间', 20),
      col('endedAt', 'date', 'To', '结束时间', 20),
      col('hours', 'decimal', 'Hours', '小时数', 10),
    ],
  },
  bills: {
    name: 'bills',
    title: { en: 'Bills', 'zh-CN': '账单' },
    staffOnly: false,
    columns: [
      col('billId', 'string', 'Bill', '账单号', 38),
      col('tenant', 'string', 'Tenant', '租户', 24),
      col('periodStart', 'date', 'Period from', '账期开始', 20),
      col('periodEnd', 'date', 'Period to', '账期结束', 20),
      col('billStatus', 'string', 'Bill status', '账单状态', 12),
      col('kind', 'string', 'Line', '明细类型', 12),
      col('resourceKind', 'string', 'Type', '类型', 14),
      col('resourceName', 'string', 'Resource', '资源', 24),
      col('product', 'string', 'Product', '产品', 24),
      col('quantity', 'decimal', 'Quantity', '数量', 10),
      col('hours', 'decimal', 'Hours', '小时数', 10),
      col('unitPrice', 'money', 'Unit price', '单价', 12),
      col('amount', 'money', 'Amount', '金额', 14),
    ],
  },
  audit: {
    name: 'audit',
    title: { en: 'Audit log', 'zh-CN': '审计日志' },
    staffOnly: true,
    columns: [
      col('id', 'integer', 'Entry', '序号', 10),
      col('at', 'date', 'Time', '时间', 20),
      col('actor', 'string', 'Actor', '操作人', 28),
      col('tenant', 'string', 'Tenant', '租户', 24),
      col('action', 'string', 'Action', '操作', 28),
      col('target', 'string', 'Target', '对象', 40),
      col('result', 'string', 'Result', '结果', 10),
      col('statusCode', 'integer', 'HTTP status', 'HTTP 状态码', 12),
      col('clientIp', 'string', 'Client address', '客户端地址', 18),
    ],
  },
  alarms: {
    name: 'alarms',
    title: { en: 'Alarms', 'zh-CN': '告警' },
    staffOnly: true,
    columns: [
      col('id', 'string', 'Alarm', '告警编号', 38),
      col('rule', 'string', 'Rule', '告警规则', 24),
      col('severity', 'string', 'Severity', '级别', 10),
      col('object', 'string', 'Object', '对象', 40),
      col('summary', 'string', 'Summary', '摘要', 40),
      col('status', 'string', 'Status', '状态', 14),
      col('startsAt', 'date', 'Started', '开始时间', 20),
      col('notifiedAt', 'date', 'Notified', '通知时间', 20),
      col('escalatedAt', 'date', 'Escalated (SMS)', '短信升级时间', 20),
      col('acknowledgedBy', 'string', 'Acknowledged by', '确认人', 24),
      col('resolvedAt', 'date', 'Resolved', '恢复时间', 20),
    ],
  },
};

/** Why a report request cannot be written as asked, or null. */
export function reportRequestProblem(req: {
  sections: ReportSectionName[];
  format: ReportFormat;
  staff: boolean;
  from: Date | null;
  to: Date | null;
}): string | null {
  if (new Set(req.sections).size !== req.sections.length) return 'a section is named twice';
  if (req.format === 'csv' && req.sections.length !== 1) return 'a CSV report holds exactly one section';
  const staffOnly = req.sections.filter((s) => reportSections[s].staffOnly);
  if (!req.staff && staffOnly.length) return `only staff export ${staffOnly.join(', ')}`;
  if (req.from && req.to && req.from > req.to) return '`from` is after `to`';
  return null;
}
