// Usage and bills: the tenant's bills per period (with their lines), hourly charges and metered usage.
import { Card, Descriptions, Table, Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { ErrorAlert } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';

const money = (n: number) => n.toFixed(2);

function BillDetail({ billId }: { billId: string }) {
  const { t } = useTranslation();
  const bill = useAsync(
    () => ok(() => api.GET('/api/v1/billing/bills/{billId}', { params: { path: { billId } } })),
    [billId],
  );
  const b = bill.data;
  if (!b) return <ErrorAlert error={bill.error} />;
  return (
    <Card size="small" title={t('billing.billOf', { period: when(b.periodStart) })}>
      <Descriptions size="small" column={4}>
        <Descriptions.Item label={t('common.status')}>
          <Status value={b.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t('billing.usageTotal')}>{money(b.usageTotal)}</Descriptions.Item>
        <Descriptions.Item label={t('billing.adjustments')}>{money(b.adjustmentTotal)}</Descriptions.Item>
        <Descriptions.Item label={t('billing.total')}>{money(b.total)}</Descriptions.Item>
      </Descriptions>
      <Table
        aria-label={t('billing.lines')}
        size="small"
        rowKey="id"
        dataSource={b.lines}
        pagination={{ pageSize: 10 }}
        columns={[
          { title: t('common.kind'), render: (_, l) => t(`billing.lineKind.${l.kind}`) },
          { title: t('billing.resource'), render: (_, l) => `${t(`kind.${l.resourceKind}`)} ${l.resourceName}` },
          { title: t('billing.quantity'), dataIndex: 'quantity' },
          { title: t('billing.hours'), render: (_, l) => l.hours.toFixed(2) },
          { title: t('billing.unitPrice'), render: (_, l) => (l.unitPrice == null ? '—' : l.unitPrice.toFixed(4)) },
          { title: t('billing.amount'), render: (_, l) => l.amount.toFixed(2) },
        ]}
      />
    </Card>
  );
}

export function Bills({ withTenant }: { withTenant?: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string>();
  return (
    <>
      {open && <BillDetail billId={open} />}
      <PagedTable<Schemas['BillingBill']>
        label={t('billing.bills')}
        rowKey="id"
        filters={[
          {
            name: 'status',
            label: t('common.status'),
            options: ['open', 'closed'].map((s) => ({ value: s, label: t(`status.${s}`) })),
          },
          ...(withTenant ? [{ name: 'tenantId', label: t('common.tenantId') }] : []),
        ]}
        load={(q) =>
          ok(() =>
            api.GET('/api/v1/billing/bills', {
              params: {
                query: {
                  limit: q.limit,
                  offset: q.offset,
                  status: q.status as 'open' | 'closed' | undefined,
                  tenantId: q.tenantId as string | undefined,
                },
              },
            }),
          )
        }
        columns={[
          {
            title: t('billing.period'),
            render: (_, b) => (
              <a
                href={`#${location.hash.slice(1)}`}
                onClick={(e) => {
                  e.preventDefault();
                  setOpen(b.id);
                }}
              >{`${when(b.periodStart)} – ${when(b.periodEnd)}`}</a>
            ),
          },
          ...(withTenant
            ? [
                {
                  title: t('common.tenantId'),
                  render: (_: unknown, b: Schemas['BillingBill']) => b.tenantId.slice(0, 8),
                },
              ]
            : []),
          { title: t('common.status'), render: (_, b) => <Status value={b.status} /> },
          { title: t('billing.usageTotal'), render: (_, b) => money(b.usageTotal) },
          { title: t('billing.adjustments'), render: (_, b) => money(b.adjustmentTotal) },
          { title: t('billing.total'), render: (_, b) => money(b.total) },
        ]}
      />
    </>
  );
}

function Charges() {
  const { t } = useTranslation();
  return (
    <PagedTable<Schemas['BillingCharge']>
      label={t('billing.charges')}
      rowKey="id"
      load={(q) =>
        ok(() => api.GET('/api/v1/billing/charges', { params: { query: { limit: q.limit, offset: q.offset } } }))
      }
      columns={[
        { title: t('billing.hour'), render: (_, c) => when(c.hourStart) },
        { title: t('billing.resource'), render: (_, c) => c.resourceId.slice(0, 8) },
        { title: t('billing.quantity'), dataIndex: 'quantity' },
        { title: t('billing.unitPrice'), render: (_, c) => c.unitPrice.toFixed(4) },
        { title: t('billing.amount'), render: (_, c) => c.amount.toFixed(4) },
      ]}
    />
  );
}

function Usage() {
  const { t } = useTranslation();
  return (
    <PagedTable<Schemas['BillingUsageInterval']>
      label={t('billing.usage')}
      rowKey="id"
      filters={[
        {
          name: 'open',
          label: t('billing.running'),
          options: [
            { value: 'true', label: t('common.yes') },
            { value: 'false', label: t('common.no') },
          ],
        },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/billing/usage', {
            params: { query: { limit: q.limit, offset: q.offset, open: q.open as 'true' | 'false' | undefined } },
          }),
        )
      }
      columns={[
        { title: t('common.kind'), render: (_, u) => t(`kind.${u.resourceKind}`) },
        { title: t('billing.resource'), dataIndex: 'resourceName' },
        { title: t('billing.quantity'), dataIndex: 'quantity' },
        { title: t('common.status'), render: (_, u) => <Status value={u.state} /> },
        { title: t('billing.from'), render: (_, u) => when(u.startedAt) },
        { title: t('billing.to'), render: (_, u) => when(u.endedAt) },
        { title: t('billing.hours'), render: (_, u) => u.hours.toFixed(2) },
      ]}
    />
  );
}

export function SelfBilling() {
  const { t } = useTranslation();
  return (
    <Tabs
      items={[
        { key: 'bills', label: t('billing.bills'), children: <Bills /> },
        { key: 'charges', label: t('billing.charges'), children: <Charges /> },
        { key: 'usage', label: t('billing.usage'), children: <Usage /> },
      ]}
    />
  );
}
