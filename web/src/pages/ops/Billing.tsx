// Billing for operators: totals per tenant, every bill, price plan versions, rating runs and backfills.
import { Button, Card, Space, Table, Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { CreateButton } from '../../components/CreateForm';
import { ErrorAlert, useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { when } from '../../components/Status';
import { useAsync } from '../../components/use-async';
import { Bills } from '../self/Billing';
import { RatingRuns } from './RatingRuns';

function Summary() {
  const { t } = useTranslation();
  const summary = useAsync(() => ok(() => api.GET('/api/v1/billing/summary')), []);
  const rows = (summary.data?.tenants ?? []) as Array<Record<string, unknown>>;
  return (
    <Card size="small" title={t('billing.summary', { total: (summary.data?.usageTotal ?? 0).toFixed(2) })}>
      <ErrorAlert error={summary.error} />
      <Table
        aria-label={t('billing.summaryTable')}
        size="small"
        rowKey={(r) => String(r.tenantId)}
        dataSource={rows}
        locale={{ emptyText: t('common.empty') }}
        columns={[
          { title: t('login.tenantName'), render: (_, r) => String(r.tenantName ?? r.tenantId) },
          { title: t('billing.usageTotal'), render: (_, r) => Number(r.usageTotal ?? 0).toFixed(2) },
          { title: t('billing.adjustments'), render: (_, r) => Number(r.adjustmentTotal ?? 0).toFixed(2) },
        ]}
      />
    </Card>
  );
}

function PricePlans() {
  const { t } = useTranslation();
  const act = useAct();
  const [version, setVersion] = useState(0);
  const products = useAsync(
    () => ok(() => api.GET('/api/v1/catalog/products', { params: { query: { limit: 200, offset: 0 } } })),
    [],
  );
  const names = new Map((products.data?.items ?? []).map((p) => [p.id, p.name]));
  return (
    <PagedTable<Schemas['BillingPricePlan']>
      label={t('billing.pricePlans')}
      rowKey="id"
      version={version}
      toolbar={() => (
        <Space>
          <CreateButton<Schemas['BillingPricePlanRequest']>
            id="price-plan"
            title={t('billing.newPrice')}
            fields={[
              {
                name: 'productId',
                label: t('billing.product'),
                type: 'select',
                required: true,
                options: (products.data?.items ?? []).map((p) => ({ value: p.id, label: p.name })),
              },
              { name: 'hourlyPrice', label: t('catalog.hourly'), type: 'number', min: 0, required: true },
              { name: 'monthlyPrice', label: t('catalog.monthly'), type: 'number', min: 0, required: true },
              { name: 'note', label: t('catalog.description') },
            ]}
            submit={(body) => ok(() => api.POST('/api/v1/billing/price-plans', { body }))}
            onDone={() => setVersion((v) => v + 1)}
          />
          <Button
            onClick={() =>
              void act(
                () => ok(() => api.POST('/api/v1/billing/rating-runs', { body: {} })),
                t('billing.ratingStarted'),
              )
            }
          >
            {t('billing.rateNow')}
          </Button>
          <CreateButton<{ periodStart: string }>
            id="backfill"
            title={t('billing.backfill')}
            fields={[{ name: 'periodStart', label: t('billing.periodStartIso'), required: true }]}
            submit={(body) => ok(() => api.POST('/api/v1/billing/backfills', { body }))}
          />
        </Space>
      )}
      filters={[
        {
          name: 'productId',
          label: t('billing.product'),
          options: (products.data?.items ?? []).map((p) => ({ value: p.id, label: p.name })),
        },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/billing/price-plans', {
            params: { query: { limit: q.limit, offset: q.offset, productId: q.productId as string | undefined } },
          }),
        )
      }
      columns={[
        { title: t('billing.product'), render: (_, p) => names.get(p.productId) ?? p.productId.slice(0, 8) },
        { title: t('billing.revision'), dataIndex: 'revision' },
        { title: t('billing.effectiveFrom'), render: (_, p) => when(p.effectiveFrom) },
        { title: t('catalog.hourly'), render: (_, p) => p.hourlyPrice.toFixed(4) },
        { title: t('catalog.monthly'), render: (_, p) => p.monthlyPrice.toFixed(2) },
        { title: t('catalog.description'), dataIndex: 'note' },
      ]}
    />
  );
}

export function OpsBilling() {
  const { t } = useTranslation();
  return (
    <Tabs
      items={[
        { key: 'summary', label: t('billing.summaryTab'), children: <Summary /> },
        { key: 'bills', label: t('billing.bills'), children: <Bills withTenant /> },
        { key: 'plans', label: t('billing.pricePlans'), children: <PricePlans /> },
        { key: 'runs', label: t('billing.ratingRuns'), children: <RatingRuns /> },
      ]}
    />
  );
}
