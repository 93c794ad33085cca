// Tenants: suspend, reactivate, trust (orders of trusted tenants may be approved automatically), their usage and quota.
import { Button, Card, Form, InputNumber, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth';
import { ErrorAlert, useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';
import { href } from '../../router';

export const quotaKeys = [
  'instances',
  'vcpus',
  'ramMb',
  'volumes',
  'gigabytes',
  'floatingIps',
  'networks',
  'routers',
] as const;

const tenantStatuses = ['pending', 'active', 'refused', 'suspended'] as const;

function TenantQuota({ tenantId }: { tenantId: string }) {
  const { t } = useTranslation();
  const act = useAct();
  const { can } = useSession();
  const quota = useAsync(
    () => ok(() => api.GET('/api/v1/quotas/{tenantId}', { params: { path: { tenantId } } })),
    [tenantId],
  );
  if (!quota.data) return <ErrorAlert error={quota.error} />;
  const q = quota.data;
  return (
    <Card title={t('quota.ofTenant', { id: tenantId.slice(0, 8) })}>
      <Form
        layout="inline"
        aria-label={t('quota.ofTenant', { id: tenantId.slice(0, 8) })}
        initialValues={q.limits}
        onFinish={(v: Schemas['QuotaTenantUpdate']) =>
          void act(async () => {
            await ok(() => api.PUT('/api/v1/quotas/{tenantId}', { params: { path: { tenantId } }, body: v }));
            await quota.reload();
          })
        }
      >
        {quotaKeys.map((k) => (
          <Form.Item
            key={k}
            name={k}
            label={`${t(`quota.${k}`)} (${t('quota.used')} ${q.used[k]})`}
            htmlFor={`tq-${k}`}
          >
            <InputNumber id={`tq-${k}`} min={-1} disabled={!can('quotas:manage')} />
          </Form.Item>
        ))}
        {can('quotas:manage') && (
          <Button type="primary" htmlType="submit">
            {t('common.save')}
          </Button>
        )}
      </Form>
    </Card>
  );
}

export function OpsTenants({ id }: { id?: string }) {
  const { t } = useTranslation();
  const act = useAct();
  const { can } = useSession();
  const [version, setVersion] = useState(0);
  const patch = (tenantId: string, body: Schemas['TenantPatch']) =>
    act(async () => {
      await ok(() => api.PATCH('/api/v1/tenants/{tenantId}', { params: { path: { tenantId } }, body }));
      setVersion((v) => v + 1);
    });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {id && <TenantQuota tenantId={id} />}
      <PagedTable<Schemas['Tenant']>
        label={t('page.ops.tenants')}
        rowKey="id"
        version={version}
        filters={[
          { name: 'name', label: t('common.name') },
          {
            name: 'status',
            label: t('common.status'),
            options: tenantStatuses.map((s) => ({ value: s, label: t(`status.${s}`) })),
          },
        ]}
        load={(q) =>
          ok(() =>
            api.GET('/api/v1/tenants', {
              params: {
                query: {
                  limit: q.limit,
                  offset: q.offset,
                  name: q.name as string | undefined,
                  status: q.status as (typeof tenantStatuses)[number] | undefined,
                },
              },
            }),
          )
        }
        columns={[
          { title: t('common.name'), render: (_, x) => <a href={href('ops', 'tenants', x.id)}>{x.name}</a> },
          { title: t('common.status'), render: (_, x) => <Status value={x.status} /> },
          { title: t('tenant.trusted'), render: (_, x) => (x.trusted ? t('common.yes') : t('common.no')) },
          { title: t('order.created'), render: (_, x) => when(x.createdAt) },
          {
            title: t('common.actions'),
            render: (_, x) =>
              can('tenants:manage') && (
                <Space>
                  {x.status === 'active' && (
                    <Button size="small" danger onClick={() => void patch(x.id, { status: 'suspended' })}>
                      {t('tenant.suspend')}
                    </Button>
                  )}
                  {x.status === 'suspended' && (
                    <Button size="small" onClick={() => void patch(x.id, { status: 'active' })}>
                      {t('tenant.reactivate')}
                    </Button>
                  )}
                  <Button size="small" onClick={() => void patch(x.id, { trusted: !x.trusted })}>
                    {x.trusted ? t('tenant.untrust') : t('tenant.trust')}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
    </Space>
  );
}
