// My orders (or one of them, with its live progress).
import { Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { PagedTable } from '../../components/PagedTable';
import { Status, when } from '../../components/Status';
import { href } from '../../router';
import { OrderProgress } from './OrderProgress';

export const orderStatuses = [
  'submitted',
  'pending_approval',
  'approved',
  'provisioning',
  'delivered',
  'rejected',
  'cancelled',
  'expired',
  'failed',
] as const;

export function SelfOrders({ id }: { id?: string }) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {id && <OrderProgress orderId={id} canCancel />}
      <PagedTable<Schemas['Order']>
        label={t('page.self.orders')}
        rowKey="id"
        refreshMs={5_000}
        filters={[
          {
            name: 'status',
            label: t('common.status'),
            options: orderStatuses.map((s) => ({ value: s, label: t(`status.${s}`) })),
          },
        ]}
        load={(q) =>
          ok(() =>
            api.GET('/api/v1/orders', {
              params: {
                query: { limit: q.limit, offset: q.offset, status: q.status as Schemas['OrderStatus'] | undefined },
              },
            }),
          )
        }
        columns={[
          { title: t('order.id'), render: (_, o) => <a href={href('self', 'orders', o.id)}>{o.id.slice(0, 8)}</a> },
          { title: t('order.itemsCol'), render: (_, o) => o.items.map((i) => String(i.spec.name ?? '')).join(', ') },
          { title: t('common.status'), render: (_, o) => <Status value={o.status} /> },
          { title: t('order.reason'), dataIndex: 'decisionReason' },
          { title: t('order.monthly'), render: (_, o) => o.monthlyPrice.toFixed(2) },
          { title: t('order.created'), render: (_, o) => when(o.createdAt) },
        ]}
      />
    </Space>
  );
}
