// MySQL databases on the database service: the list, create (its password shown once), change password, delete;
// one database's backups under the list when it is opened.
import { Button, Popconfirm, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth';
import { CreateButton } from '../../components/CreateForm';
import { useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { Status, when } from '../../components/Status';
import { go, href } from '../../router';
import { DatabaseBackups } from './DatabaseBackups';
import { ChangePassword, PasswordOnce, type WithPassword } from './DatabasePassword';

const databaseStatuses = ['creating', 'ready', 'restoring', 'deleting', 'failed'] as const;

export function SelfDatabases({ id }: { id?: string }) {
  const { t } = useTranslation();
  const act = useAct();
  const { can } = useSession();
  const operate = can('own:resources:operate', 'resources:operate');
  const [version, setVersion] = useState(0);
  const [shown, setShown] = useState<WithPassword>();
  const bump = () => setVersion((v) => v + 1);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <PagedTable<Schemas['Database']>
        label={t('page.self.databases')}
        rowKey="id"
        version={version}
        refreshMs={5_000}
        filters={[
          {
            name: 'status',
            label: t('common.status'),
            options: databaseStatuses.map((s) => ({ value: s, label: t(`status.${s}`) })),
          },
        ]}
        toolbar={() =>
          operate && (
            <CreateButton<{ name: string }>
              id="database-create"
              title={t('database.create')}
              fields={[{ name: 'name', label: t('common.name'), required: true }]}
              submit={async (body) => {
                const d = await ok(() => api.POST('/api/v1/databases', { body }));
                setShown(d);
                return d;
              }}
              onDone={bump}
            />
          )
        }
        load={(q) =>
          ok(() =>
            api.GET('/api/v1/databases', {
              params: {
                query: {
                  limit: q.limit,
                  offset: q.offset,
                  status: q.status as (typeof databaseStatuses)[number] | undefined,
                },
              },
            }),
          )
        }
        columns={[
          { title: t('common.name'), render: (_, d) => <a href={href('self', 'databases', d.id)}>{d.name}</a> },
          { title: t('common.status'), render: (_, d) => <Status value={d.status} /> },
          { title: t('database.database'), dataIndex: 'database' },
          { title: t('database.username'), dataIndex: 'username' },
          { title: t('database.connect'), render: (_, d) => `${d.host}:${d.port}` },
          {
            title: t('database.site'),
            render: (_, d) => (d.siteId ? <a href={href('self', 'sites', d.siteId)}>{t('common.yes')}</a> : '—'),
          },
          { title: t('order.created'), render: (_, d) => when(d.createdAt) },
          {
            title: t('common.actions'),
            render: (_, d) =>
              operate &&
              d.status === 'ready' && (
                <Space>
                  <Button size="small" onClick={() => go('self', 'databases', d.id)}>
                    {t('database.backups')}
                  </Button>
                  <ChangePassword databaseId={d.id} onChanged={setShown} />
                  {!d.siteId && (
                    <Popconfirm
                      title={t('database.deleteConfirm')}
                      okText={t('common.yes')}
                      cancelText={t('common.no')}
                      onConfirm={() =>
                        void act(async () => {
                          await ok(() =>
                            api.DELETE('/api/v1/databases/{databaseId}', { params: { path: { databaseId: d.id } } }),
                          );
                          if (id === d.id) go('self', 'databases');
                          bump();
                        })
                      }
                    >
                      <Button size="small" danger>
                        {t('common.delete')}
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
          },
        ]}
      />
      {id && <DatabaseBackups databaseId={id} />}
      <PasswordOnce db={shown} onClose={() => setShown(undefined)} />
    </Space>
  );
}
