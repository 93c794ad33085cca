// The approvals queue: orders waiting for a decision with their items and price; approve or reject with a reason.
import { Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { PagedTable } from '../../components/PagedTable';
import { ReasonButton } from '../../components/ReasonButton';
import { Status, when } from '../../components/Status';
import { orderStatuses } from '../self/Orders';

export function OpsApprovals() {
  const { t } = useTranslation();
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return (
    <PagedTable<Schemas['Order']>
      label={t('page.ops.approvals')}
      rowKey="id"
      version={version}
      refreshMs={4_000}
      filters={[
        {
          name: 'status',
          label: t('common.status'),
          options: orderStatuses.map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
        { name: 'tenantId', label: t('common.tenantId') },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/orders', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                status: (q.status as Schemas['OrderStatus'] | undefined) ?? 'pending_approval',
                tenantId: q.tenantId as string | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('order.id'), render: (_, o) => o.id.slice(0, 8) },
        { title: t('common.tenantId'), render: (_, o) => o.tenantId.slice(0, 8) },
        {
          title: t('order.itemsCol'),
          render: (_, o) => (
            <ul style={{ margin: 0, paddingLeft: 16 }}>
              {o.items.map((i) => (
                <li key={i.id}>
                  <strong>{`${t(`kind.${i.kind}`)} ${String(i.spec.name ?? '')}`}</strong>{' '}
                  {Object.entries(i.spec)
                    .filter(([k]) => k !== 'name' && k !== 'kind')
                    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                    .join(', ')}
                </li>
              ))}
            </ul>
          ),
        },
        { title: t('order.monthly'), render: (_, o) => o.monthlyPrice.toFixed(2) },
        { title: t('common.status'), render: (_, o) => <Status value={o.status} /> },
        { title: t('order.reason'), dataIndex: 'decisionReason' },
        { title: t('order.created'), render: (_, o) => when(o.createdAt) },
        {
          title: t('common.actions'),
          render: (_, o) =>
            o.status === 'pending_approval' && (
              <Space>
                <ReasonButton
                  id={`oa-${o.id}`}
                  primary
                  label={t('common.approve')}
                  run={(reason) =>
                    ok(() =>
                      api.POST('/api/v1/orders/{orderId}/approve', {
                        params: { path: { orderId: o.id } },
                        body: { reason: reason ?? t('order.approvedDefault') },
                      }),
                    ).then(bump)
                  }
                />
                <ReasonButton
                  id={`or-${o.id}`}
                  danger
                  required
                  label={t('common.reject')}
                  run={(reason) =>
                    ok(() =>
                      api.POST('/api/v1/orders/{orderId}/reject', {
                        params: { path: { orderId: o.id } },
                        body: { reason: reason! },
                      }),
                    ).then(bump)
                  }
                />
              </Space>
            ),
        },
      ]}
    />
  );
}
