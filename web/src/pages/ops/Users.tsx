// Every user (tenants' and staff) with filters: suspend, reactivate, deregister, mail a password reset link.
import { App, Button, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth';
import { CreateButton } from '../../components/CreateForm';
import { useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { ReasonButton } from '../../components/ReasonButton';
import { Status, when } from '../../components/Status';

const statuses = ['pending', 'active', 'refused', 'disabled', 'suspended', 'deregistered'] as const;

export function OpsUsers() {
  const { t } = useTranslation();
  const act = useAct();
  const { message } = App.useApp();
  const { can, me } = useSession();
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const setStatus = (userId: string, status: Schemas['UserStatusChange']['status'], reason?: string) =>
    ok(() => api.PUT('/api/v1/users/{userId}/status', { params: { path: { userId } }, body: { status, reason } })).then(
      bump,
    );
  return (
    <PagedTable<Schemas['Account']>
      label={t('page.ops.users')}
      rowKey="id"
      version={version}
      filters={[
        {
          name: 'status',
          label: t('common.status'),
          options: statuses.map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
        { name: 'tenantId', label: t('common.tenantId') },
        {
          name: 'staff',
          label: t('user.kind'),
          options: [
            { value: 'true', label: t('user.staff') },
            { value: 'false', label: t('user.tenantUsers') },
          ],
        },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/users', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                status: q.status as (typeof statuses)[number] | undefined,
                tenantId: q.tenantId as string | undefined,
                staff: q.staff as 'true' | 'false' | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('login.email'), dataIndex: 'email' },
        { title: t('login.displayName'), dataIndex: 'displayName' },
        { title: t('profile.role'), render: (_, u) => u.roles.map((r) => <Tag key={r}>{t(`role.${r}`)}</Tag>) },
        { title: t('common.status'), render: (_, u) => <Status value={u.status} /> },
        { title: t('order.created'), render: (_, u) => when(u.createdAt) },
        {
          title: t('common.actions'),
          render: (_, u) =>
            can('users:manage') &&
            u.id !== me.id && (
              <Space>
                {u.status === 'active' && (
                  <ReasonButton
                    id={`us-${u.id}`}
                    danger
                    label={t('user.suspend')}
                    run={(r) => setStatus(u.id, 'suspended', r)}
                  />
                )}
                {u.status === 'suspended' && (
                  <Button size="small" onClick={() => void act(() => setStatus(u.id, 'active'))}>
                    {t('tenant.reactivate')}
                  </Button>
                )}
                {u.status === 'deregistered' && (
                  <Button
                    size="small"
                    onClick={() =>
                      void act(async () => {
                        const d = await ok(() =>
                          api.GET('/api/v1/users/{userId}/deregistration', { params: { path: { userId: u.id } } }),
                        );
                        return d;
                      }).then(
                        (d) =>
                          d &&
                          message.info(
                            t('user.deregistration', {
                              state: t(`user.deregistrationState.${d.state}`),
                              released: d.released,
                              total: d.total,
                            }),
                          ),
                      )
                    }
                  >
                    {t('user.deregistrationButton')}
                  </Button>
                )}
                <CreateButton<Schemas['ProfilePatch']>
                  id={`user-${u.id}`}
                  title={t('user.edit')}
                  fields={[
                    { name: 'displayName', label: t('login.displayName'), initial: u.displayName },
                    { name: 'phone', label: t('login.phone'), initial: u.phone ?? undefined },
                    { name: 'department', label: t('profile.department'), initial: u.department ?? undefined },
                    { name: 'companyName', label: t('profile.companyName'), initial: u.companyName ?? undefined },
                  ]}
                  submit={(body) =>
                    ok(() => api.PATCH('/api/v1/users/{userId}', { params: { path: { userId: u.id } }, body }))
                  }
                  onDone={bump}
                />
                <Button
                  size="small"
                  onClick={() =>
                    void act(
                      () =>
                        ok(() =>
                          api.POST('/api/v1/users/{userId}/password-reset', { params: { path: { userId: u.id } } }),
                        ),
                      t('login.resetSent'),
                    )
                  }
                >
                  {t('user.sendReset')}
                </Button>
              </Space>
            ),
        },
      ]}
    />
  );
}
