// Report exports (XLSX or CSV) written in the background with progress, downloaded when ready: the list and its
// request form, shared by the O&M face (every section, any tenant) and the self-service face (a tenant's sections,
// his own tenant).
import { Button, Popconfirm, Progress, Select, Space, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, apiErrorOf, ok } from '../api/client';
import type { Schemas } from '../api/types';
import { CreateButton } from './CreateForm';
import { useAct } from './feedback';
import { PagedTable } from './PagedTable';
import { Status, when } from './Status';

type Report = Schemas['Report'];
type Section = Schemas['ReportSection'];

/** Every section the API exports, in the contract's order. */
export const reportSections: Section[] = ['orders', 'inventory', 'usage', 'bills', 'audit', 'alarms'];
/** The sections a tenant exports (the API keeps audit and alarms to staff with reports:read). */
export const tenantReportSections: Section[] = ['orders', 'inventory', 'usage', 'bills'];
/** The resource types a report filters on (an order's item kind, a resource's kind, a usage or bill line's). */
const resourceTypes = [
  'server',
  'volume',
  'snapshot',
  'network',
  'subnet',
  'router',
  'port',
  'floating_ip',
  'security_group',
  'load_balancer',
  'image',
  'site',
] as const;
const reportStatuses = ['queued', 'running', 'ready', 'failed', 'cancelled'] as const;

/** The days RangePicker gives (dayjs values), as far as the form uses them. */
interface Day {
  startOf(unit: 'day'): { toISOString(): string };
  endOf(unit: 'day'): { toISOString(): string };
}

interface ReportForm {
  sections: Section[];
  format?: 'xlsx' | 'csv';
  tenantId?: string | null;
  resourceType?: string | null;
  period?: [Day | null, Day | null] | null;
}

async function download(r: Report) {
  const res = await api.GET('/api/v1/reports/{reportId}/download', {
    params: { path: { reportId: r.id } },
    parseAs: 'blob',
  });
  if (!res.response.ok || !res.data) throw apiErrorOf(res.response, res.error);
  const url = URL.createObjectURL(res.data as Blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `report-${r.id.slice(0, 8)}.${r.format}`;
  a.click();
  URL.revokeObjectURL(url);
}

/** Tenants by part of their name, searched on the server; the names seen are reported for the list's rows. */
function TenantSelect({
  id,
  value,
  onChange,
  onNames,
}: {
  id: string;
  value?: string | null;
  onChange?: (v: string | undefined) => void;
  onNames: (names: Record<string, string>) => void;
}) {
  const { t } = useTranslation();
  const [options, setOptions] = useState<Array<{ value: string; label: string }>>([]);
  const search = (name?: string) =>
    void ok(() => api.GET('/api/v1/tenants', { params: { query: { limit: 50, name: name || undefined } } })).then(
      (p) => {
        setOptions(p.items.map((x) => ({ value: x.id, label: x.name })));
        onNames(Object.fromEntries(p.items.map((x) => [x.id, x.name])));
      },
      () => setOptions([]),
    );
  useEffect(() => search(), []);
  return (
    <Select
      id={id}
      value={value ?? undefined}
      onChange={onChange}
      options={options}
      allowClear
      placeholder={t('report.allTenants')}
      showSearch={{ filterOption: false, onSearch: search }}
    />
  );
}

/** A report's filters as tags: tenant (staff only), resource type, period; none: all. */
function Filters({ r, tenantNames }: { r: Report; tenantNames: Record<string, string> | null }) {
  const { t } = useTranslation();
  const f = r.filters;
  const day = (d: string | null) => (d ? new Date(d).toLocaleDateString() : '…');
  const tags = [
    tenantNames && f.tenantId && `${t('report.tenant')}: ${tenantNames[f.tenantId] ?? f.tenantId.slice(0, 8)}`,
    f.resourceType && `${t('report.resourceType')}: ${t(`kind.${f.resourceType}`, { defaultValue: f.resourceType })}`,
    (f.from || f.to) && `${t('report.period')}: ${day(f.from)} – ${day(f.to)}`,
  ].filter((x): x is string => !!x);
  if (!tags.length) return <>{t('report.noFilters')}</>;
  return (
    <Space size={[0, 4]} wrap>
      {tags.map((x) => (
        <Tag key={x}>{x}</Tag>
      ))}
    </Space>
  );
}

/**
 * The caller's reports (all of them for staff with reports:read) and a form asking for one. `staff` offers every
 * section and a tenant choice; otherwise the tenant's sections, and the report covers his own tenant.
 */
export function ReportsTable({ label, staff }: { label: string; staff: boolean }) {
  const { t, i18n } = useTranslation();
  const act = useAct();
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const [tenantNames, setTenantNames] = useState<Record<string, string>>({});
  const addNames = (names: Record<string, string>) => setTenantNames((n) => ({ ...n, ...names }));
  const sections = staff ? reportSections : tenantReportSections;
  // The rows name tenants by id: staff see the names of the first tenants, and of every one the form has found.
  useEffect(() => {
    if (staff)
      void ok(() => api.GET('/api/v1/tenants', { params: { query: { limit: 200 } } })).then(
        (p) => addNames(Object.fromEntries(p.items.map((x) => [x.id, x.name]))),
        () => undefined,
      );
  }, [staff]);
  return (
    <PagedTable<Report>
      label={label}
      rowKey="id"
      version={version}
      refreshMs={3_000}
      toolbar={() => (
        <CreateButton<ReportForm>
          id="report"
          title={t('report.create')}
          fields={[
            {
              name: 'sections',
              label: t('report.sections'),
              type: 'multi',
              required: true,
              options: sections.map((s) => ({ value: s, label: t(`report.section.${s}`) })),
            },
            {
              name: 'format',
              label: t('report.format'),
              type: 'select',
              initial: 'xlsx',
              options: [
                { value: 'xlsx', label: 'XLSX' },
                { value: 'csv', label: 'CSV' },
              ],
            },
            ...(staff
              ? [
                  {
                    name: 'tenantId',
                    label: t('report.tenant'),
                    render: (id: string) => <TenantSelect id={id} onNames={addNames} />,
                  },
                ]
              : []),
            {
              name: 'resourceType',
              label: t('report.resourceType'),
              type: 'select',
              options: resourceTypes.map((k) => ({ value: k, label: t(`kind.${k}`) })),
            },
            { name: 'period', label: t('report.period'), type: 'dateRange' },
          ]}
          submit={({ period, tenantId, resourceType, ...rest }) =>
            ok(() =>
              api.POST('/api/v1/reports', {
                body: {
                  ...rest,
                  language: i18n.language === 'zh' ? 'zh-CN' : 'en',
                  ...(tenantId ? { tenantId } : {}),
                  ...(resourceType ? { resourceType } : {}),
                  // Whole days in the user's time zone: from the first day's start to the last day's end.
                  ...(period?.[0] ? { from: period[0].startOf('day').toISOString() } : {}),
                  ...(period?.[1] ? { to: period[1].endOf('day').toISOString() } : {}),
                },
              }),
            )
          }
          onDone={bump}
        />
      )}
      filters={[
        {
          name: 'status',
          label: t('common.status'),
          options: reportStatuses.map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/reports', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                status: q.status as (typeof reportStatuses)[number] | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('report.sections'), render: (_, r) => r.sections.map((s) => t(`report.section.${s}`)).join(', ') },
        { title: t('report.filters'), render: (_, r) => <Filters r={r} tenantNames={staff ? tenantNames : null} /> },
        { title: t('report.format'), render: (_, r) => r.format.toUpperCase() },
        { title: t('common.status'), render: (_, r) => <Status value={r.status} /> },
        {
          title: t('report.progress'),
          render: (_, r) => {
            const { rowsWritten, totalRows } = r.progress;
            return r.status === 'running' && totalRows ? (
              <Progress size="small" percent={Math.round((rowsWritten / totalRows) * 100)} />
            ) : r.status === 'queued' ? (
              ''
            ) : (
              rowsWritten
            );
          },
        },
        { title: t('order.created'), render: (_, r) => when(r.createdAt) },
        { title: t('order.error'), dataIndex: 'error' },
        {
          title: t('common.actions'),
          render: (_, r) => (
            <Space>
              {r.status === 'ready' && (
                <Button size="small" type="primary" onClick={() => void act(() => download(r), t('report.downloaded'))}>
                  {t('report.download')}
                </Button>
              )}
              <Button
                size="small"
                onClick={() =>
                  void act(() =>
                    ok(() => api.GET('/api/v1/reports/{reportId}', { params: { path: { reportId: r.id } } })).then(
                      bump,
                    ),
                  )
                }
              >
                {t('common.refresh')}
              </Button>
              <Popconfirm
                title={t('common.deleteConfirm')}
                okText={t('common.yes')}
                cancelText={t('common.no')}
                onConfirm={() =>
                  void act(async () => {
                    await ok(() => api.DELETE('/api/v1/reports/{reportId}', { params: { path: { reportId: r.id } } }));
                    bump();
                  })
                }
              >
                <Button size="small" danger>
                  {t('common.delete')}
                </Button>
              </Popconfirm>
            </Space>
          ),
        },
      ]}
    />
  );
}
