// Self-service dashboard: my resources, quota used, unread messages and my latest orders.
import { Card, Col, List, Progress, Row, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { ErrorAlert } from '../../components/feedback';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';
import { href } from '../../router';

const quotaKeys = [
  'instances',
  'vcpus',
  'ramMb',
  'volumes',
  'gigabytes',
  'floatingIps',
  'networks',
  'routers',
] as const;

export function SelfDashboard() {
  const { t } = useTranslation();
  const usage = useAsync(() => ok(() => api.GET('/api/v1/usage')), [], 10_000);
  const unread = useAsync(() => ok(() => api.GET('/api/v1/inbox/unread-count')), [], 10_000);
  const bill = useAsync(
    () => ok(() => api.GET('/api/v1/billing/bills', { params: { query: { limit: 1, offset: 0, status: 'open' } } })),
    [],
    30_000,
  );
  const orders = useAsync(
    () => ok(() => api.GET('/api/v1/orders', { params: { query: { limit: 5, offset: 0 } } })),
    [],
    5_000,
  );
  const resources = usage.data?.resources ?? {};
  const count = (kind: string) => Object.values(resources[kind] ?? {}).reduce((a, b) => a + b, 0);
  return (
    <>
      <ErrorAlert error={usage.error ?? unread.error ?? orders.error} />
      <Row gutter={[16, 16]}>
        {(['server', 'volume', 'network', 'floating_ip'] as const).map((k) => (
          <Col key={k} xs={12} md={6}>
            <Card>
              <Statistic title={t(`kind.${k}`)} value={count(k)} />
            </Card>
          </Col>
        ))}
        <Col xs={12} md={6}>
          <Card>
            <a href={href('self', 'billing')}>
              <Statistic title={t('self.dashboard.spend')} value={(bill.data?.items[0]?.total ?? 0).toFixed(2)} />
            </a>
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <a href={href('self', 'inbox')}>
              <Statistic title={t('self.dashboard.unread')} value={unread.data?.unread ?? 0} />
            </a>
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} md={12}>
          <Card title={t('self.dashboard.quota')}>
            {usage.data &&
              quotaKeys.map((k) => {
                const limit = usage.data!.quota.limits[k];
                const used = usage.data!.quota.used[k] + usage.data!.quota.reserved[k];
                return (
                  <div key={k}>
                    <Typography.Text>
                      {t(`quota.${k}`)}: {used} / {limit < 0 ? t('quota.unlimited') : limit}
                    </Typography.Text>
                    <Progress
                      aria-label={t(`quota.${k}`)}
                      percent={limit > 0 ? Math.round((used / limit) * 100) : 0}
                      size="small"
                    />
                  </div>
                );
              })}
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card title={t('self.dashboard.latestOrders')}>
            <List
              locale={{ emptyText: <Typography.Text type="secondary">{t('common.empty')}</Typography.Text> }}
              dataSource={orders.data?.items ?? []}
              renderItem={(o) => (
                <List.Item>
                  <a href={href('self', 'orders', o.id)}>{o.items.map((i) => i.spec.name as string).join(', ')}</a>
                  <span>
                    <Status value={o.status} /> {when(o.createdAt)}
                  </span>
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
