// One order with the live progress of each step and item (polled while it runs).
import { Alert, Button, Card, Descriptions, Space, Steps, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { ErrorAlert, useAct } from '../../components/feedback';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';

const cancellable = ['submitted', 'pending_approval'];

export function OrderProgress({ orderId, canCancel }: { orderId: string; canCancel?: boolean }) {
  const { t } = useTranslation();
  const act = useAct();
  const order = useAsync(
    () => ok(() => api.GET('/api/v1/orders/{orderId}', { params: { path: { orderId } } })),
    [orderId],
    1_000,
  );
  const o = order.data;
  if (!o) return <ErrorAlert error={order.error} />;
  const steps = o.progress?.steps ?? [];
  const stateOf: Record<string, 'wait' | 'process' | 'finish' | 'error'> = {
    pending: 'wait',
    running: 'process',
    done: 'finish',
    failed: 'error',
    skipped: 'finish',
  };
  const progressItems = new Map((o.progress?.items ?? []).map((i) => [i.itemId, i]));
  return (
    <Card title={t('order.title', { id: o.id.slice(0, 8) })} aria-live="polite">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Descriptions size="small" column={3}>
          <Descriptions.Item label={t('order.status')}>
            <span data-testid="order-status">
              <Status value={o.status} />
            </span>
          </Descriptions.Item>
          <Descriptions.Item label={t('order.monthly')}>{o.monthlyPrice.toFixed(2)}</Descriptions.Item>
          <Descriptions.Item label={t('order.created')}>{when(o.createdAt)}</Descriptions.Item>
          {o.decisionReason && (
            <Descriptions.Item label={t('order.reason')}>
              <span data-testid="order-reason">{o.decisionReason}</span>
            </Descriptions.Item>
          )}
        </Descriptions>
        {steps.length > 0 && (
          <Steps
            size="small"
            items={steps.map((s) => ({
              title: t(`order.step.${s.name}`),
              status: stateOf[s.state],
              description: t(`status.${s.state}`),
            }))}
          />
        )}
        {o.failure && (
          <Alert
            type="error"
            showIcon
            title={t('order.failed', { step: o.failure.step })}
            description={o.failure.message}
          />
        )}
        <Table<Schemas['OrderItem']>
          aria-label={t('order.items')}
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={o.items}
          columns={[
            { title: t('common.name'), render: (_, i) => String(i.spec.name ?? '') },
            { title: t('common.kind'), render: (_, i) => t(`kind.${i.kind}`) },
            {
              title: t('common.status'),
              render: (_, i) => <Status value={progressItems.get(i.id)?.state ?? i.status} />,
            },
            { title: t('order.attempts'), render: (_, i) => progressItems.get(i.id)?.attempts ?? 0 },
            { title: t('order.monthly'), render: (_, i) => i.monthlyPrice.toFixed(2) },
            { title: t('order.error'), render: (_, i) => progressItems.get(i.id)?.error?.message ?? '' },
          ]}
        />
        {canCancel && cancellable.includes(o.status) && (
          <Button
            danger
            onClick={() =>
              void act(() =>
                ok(() => api.POST('/api/v1/orders/{orderId}/cancel', { params: { path: { orderId } }, body: {} })).then(
                  order.reload,
                ),
              )
            }
          >
            {t('order.cancel')}
          </Button>
        )}
      </Space>
    </Card>
  );
}
