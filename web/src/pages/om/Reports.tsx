// Report exports (XLSX or CSV) written in the background with progress, downloaded when ready.
import { Button, Popconfirm, Progress, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, apiErrorOf, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { CreateButton } from '../../components/CreateForm';
import { useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { Status, when } from '../../components/Status';

type Report = Schemas['Report'];

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

const reportStatuses = ['queued', 'running', 'ready', 'failed', 'cancelled'] as const;
// Every section the API exports, in the contract's order.
const reportSections: Schemas['ReportSection'][] = ['orders', 'inventory', 'usage', 'bills', 'audit', 'alarms'];

export function OmReports() {
  const { t, i18n } = useTranslation();
  const act = useAct();
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return (
    <PagedTable<Report>
      label={t('page.om.reports')}
      rowKey="id"
      version={version}
      refreshMs={3_000}
      toolbar={() => (
        <CreateButton<Schemas['ReportRequest']>
          id="report"
          title={t('report.create')}
          fields={[
            {
              name: 'sections',
              label: t('report.sections'),
              type: 'multi',
              required: true,
              options: reportSections.map((s) => ({
                value: s,
                label: t(`report.section.${s}`),
              })),
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
            { name: 'tenantId', label: t('common.tenantId') },
          ]}
          submit={(body) =>
            ok(() =>
              api.POST('/api/v1/reports', { body: { ...body, language: i18n.language === 'zh' ? 'zh-CN' : 'en' } }),
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
        { title: t('report.format'), render: (_, r) => r.format.toUpperCase() },
        { title: t('common.status'), render: (_, r) => <Status value={r.status} /> },
        {
          title: t('report.progress'),
          render: (_, r) => {
            const p = r.progress as { rows?: number; total?: number | null };
            return r.status === 'running' && p.total ? (
              <Progress size="small" percent={Math.round(((p.rows ?? 0) / p.total) * 100)} />
            ) : (
              (p.rows ?? '')
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
