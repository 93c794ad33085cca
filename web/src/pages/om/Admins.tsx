// Platform staff: create admins with roles (and narrowed permissions), change or disable them.
import { Button, Popconfirm, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth';
import { CreateButton } from '../../components/CreateForm';
import { useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { Status, when } from '../../components/Status';

const staffRoles = ['operator', 'om_admin', 'platform_admin'] as const;
const adminStatuses = ['active', 'disabled'] as const;

export function OmAdmins() {
  const { t } = useTranslation();
  const act = useAct();
  const { me } = useSession();
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return (
    <PagedTable<Schemas['User']>
      label={t('page.om.admins')}
      rowKey="id"
      version={version}
      toolbar={() => (
        <CreateButton<Schemas['AdminCreate']>
          id="admin"
          title={t('admin.create')}
          fields={[
            { name: 'email', label: t('login.email'), required: true },
            { name: 'displayName', label: t('login.displayName'), required: true },
            { name: 'password', label: t('profile.initialPassword'), type: 'password', required: true },
            {
              name: 'roles',
              label: t('profile.roles'),
              type: 'multi',
              required: true,
              options: staffRoles.map((r) => ({ value: r, label: t(`role.${r}`) })),
            },
            {
              name: 'permissions',
              label: t('admin.permissions'),
              type: 'multi',
              options: me.permissions.map((p) => ({ value: p, label: p })),
            },
          ]}
          submit={(body) =>
            ok(() =>
              api.POST('/api/v1/admins', {
                body: { ...body, permissions: body.permissions?.length ? body.permissions : null },
              }),
            )
          }
          onDone={bump}
        />
      )}
      filters={[
        { name: 'q', label: t('admin.search') },
        {
          name: 'status',
          label: t('common.status'),
          options: adminStatuses.map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
        {
          name: 'role',
          label: t('profile.roles'),
          options: staffRoles.map((r) => ({ value: r, label: t(`role.${r}`) })),
        },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/admins', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                q: q.q as string | undefined,
                status: q.status as (typeof adminStatuses)[number] | undefined,
                role: q.role as (typeof staffRoles)[number] | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('login.email'), dataIndex: 'email' },
        { title: t('login.displayName'), dataIndex: 'displayName' },
        { title: t('profile.roles'), render: (_, u) => u.roles.map((r) => <Tag key={r}>{t(`role.${r}`)}</Tag>) },
        {
          title: t('admin.permissions'),
          render: (_, u) =>
            u.permissions ? t('admin.narrowed', { count: u.permissions.length }) : t('admin.allOfRoles'),
        },
        { title: t('common.status'), render: (_, u) => <Status value={u.status} /> },
        { title: t('order.created'), render: (_, u) => when(u.createdAt) },
        {
          title: t('common.actions'),
          render: (_, u) =>
            u.id !== me.id && (
              <Space>
                <Button
                  size="small"
                  onClick={() =>
                    void act(async () => {
                      await ok(() =>
                        api.PATCH('/api/v1/admins/{adminId}', {
                          params: { path: { adminId: u.id } },
                          body: { status: u.status === 'active' ? 'disabled' : 'active' },
                        }),
                      );
                      bump();
                    })
                  }
                >
                  {u.status === 'active' ? t('admin.disable') : t('admin.enable')}
                </Button>
                <Popconfirm
                  title={t('common.deleteConfirm')}
                  okText={t('common.yes')}
                  cancelText={t('common.no')}
                  onConfirm={() =>
                    void act(async () => {
                      await ok(() => api.DELETE('/api/v1/admins/{adminId}', { params: { path: { adminId: u.id } } }));
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
