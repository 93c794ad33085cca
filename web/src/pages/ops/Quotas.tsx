// Platform default quota limits (-1 = unlimited) and every tenant's usage against its quota.
import { Button, Card, Form, InputNumber, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { ErrorAlert, useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { useAsync } from '../../components/use-async';
import { href } from '../../router';
import { quotaKeys } from './Tenants';

export function OpsQuotas() {
  const { t } = useTranslation();
  const act = useAct();
  const defaults = useAsync(() => ok(() => api.GET('/api/v1/quotas/defaults')), []);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Card title={t('quota.defaults')}>
        <ErrorAlert error={defaults.error} />
        {defaults.data && (
          <Form
            layout="inline"
            aria-label={t('quota.defaults')}
            initialValues={defaults.data}
            onFinish={(v: Schemas['QuotaDefaultsUpdate']) =>
              void act(async () => {
                await ok(() => api.PUT('/api/v1/quotas/defaults', { body: v }));
                await defaults.reload();
              })
            }
          >
            {quotaKeys.map((k) => (
              <Form.Item key={k} name={k} label={t(`quota.${k}`)} htmlFor={`qd-${k}`}>
                <InputNumber id={`qd-${k}`} min={-1} />
              </Form.Item>
            ))}
            <Button type="primary" htmlType="submit">
              {t('common.save')}
            </Button>
          </Form>
        )}
      </Card>
      <Card title={t('quota.byTenant')}>
        <PagedTable<Schemas['OperateTenantUsage']>
          label={t('quota.byTenant')}
          rowKey="tenantId"
          filters={[{ name: 'name', label: t('login.tenantName') }]}
          load={(q) =>
            ok(() =>
              api.GET('/api/v1/usage/tenants', {
                params: { query: { limit: q.limit, offset: q.offset, name: q.name as string | undefined } },
              }),
            )
          }
          columns={[
            {
              title: t('login.tenantName'),
              render: (_, u) => <a href={href('ops', 'tenants', u.tenantId)}>{u.tenantName}</a>,
            },
            ...quotaKeys.map((k) => ({
              title: t(`quota.${k}`),
              render: (_: unknown, u: Schemas['OperateTenantUsage']) =>
                `${u.quota.used[k]} / ${u.quota.limits[k] < 0 ? '∞' : u.quota.limits[k]}`,
            })),
          ]}
        />
      </Card>
    </Space>
  );
}
