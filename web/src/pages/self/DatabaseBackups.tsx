// One database's backups: back up now, restore one (the database is emptied first, progress shown), delete one.
import { Alert, Button, Card, Popconfirm, Progress, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { bytes } from '../../components/bytes';
import { ErrorAlert, useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';

type Backup = Schemas['DatabaseBackup'];

function RestoreState({ db }: { db: Schemas['Database'] }) {
  const { t } = useTranslation();
  const r = db.restore;
  if (!r) return null;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} aria-live="polite">
      <span>
        {t('database.restoreOf', { when: when(r.startedAt) })}: <Status value={r.status} />
      </span>
      <Progress
        percent={r.bytesTotal ? Math.round((r.bytesDone / r.bytesTotal) * 100) : r.status === 'done' ? 100 : 0}
        status={r.status === 'failed' ? 'exception' : r.status === 'done' ? 'success' : 'active'}
        aria-label={t('database.restore')}
      />
      {r.error && <Alert type="error" showIcon title={r.error} />}
    </Space>
  );
}

const backupStatuses = ['running', 'ready', 'failed'] as const;

export function DatabaseBackups({ databaseId }: { databaseId: string }) {
  const { t } = useTranslation();
  const act = useAct();
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const db = useAsync(
    () => ok(() => api.GET('/api/v1/databases/{databaseId}', { params: { path: { databaseId } } })),
    [databaseId, version],
    2_000,
  );
  const path = { databaseId };
  if (!db.data) return <ErrorAlert error={db.error} />;
  const busy = db.data.status !== 'ready';
  return (
    <Card size="small" title={t('database.backupsOf', { name: db.data.name })}>
      <RestoreState db={db.data} />
      <PagedTable<Backup>
        label={t('database.backups')}
        rowKey="id"
        version={version}
        refreshMs={2_000}
        toolbar={() => (
          <Button
            type="primary"
            disabled={busy}
            onClick={() =>
              void act(
                () => ok(() => api.POST('/api/v1/databases/{databaseId}/backups', { params: { path } })),
                t('database.backupStarted'),
              ).then(bump)
            }
          >
            {t('database.backupNow')}
          </Button>
        )}
        filters={[
          {
            name: 'status',
            label: t('common.status'),
            options: backupStatuses.map((s) => ({ value: s, label: t(`status.${s}`) })),
          },
        ]}
        load={(q) =>
          ok(() =>
            api.GET('/api/v1/databases/{databaseId}/backups', {
              params: {
                path,
                query: {
                  limit: q.limit,
                  offset: q.offset,
                  status: q.status as (typeof backupStatuses)[number] | undefined,
                },
              },
            }),
          )
        }
        columns={[
          { title: t('order.created'), render: (_, b) => when(b.createdAt) },
          { title: t('common.status'), render: (_, b) => <Status value={b.status} /> },
          { title: t('site.size'), render: (_, b) => bytes(b.sizeBytes) },
          { title: t('instance.finishedAt'), render: (_, b) => when(b.finishedAt) },
          { title: t('order.error'), render: (_, b) => b.error ?? '' },
          {
            title: t('common.actions'),
            render: (_, b) =>
              b.status !== 'running' && (
                <Space>
                  {b.status === 'ready' && (
                    <Popconfirm
                      title={t('database.restoreConfirm')}
                      okText={t('common.yes')}
                      cancelText={t('common.no')}
                      disabled={busy}
                      onConfirm={() =>
                        void act(
                          () =>
                            ok(() =>
                              api.POST('/api/v1/databases/{databaseId}/restore', {
                                params: { path },
                                body: { backupId: b.id },
                              }),
                            ),
                          t('database.restoreStarted'),
                        ).then(bump)
                      }
                    >
                      <Button size="small" disabled={busy}>
                        {t('database.restore')}
                      </Button>
                    </Popconfirm>
                  )}
                  <Popconfirm
                    title={t('common.deleteConfirm')}
                    okText={t('common.yes')}
                    cancelText={t('common.no')}
                    onConfirm={() =>
                      void act(() =>
                        ok(() =>
                          api.DELETE('/api/v1/databases/{databaseId}/backups/{backupId}', {
                            params: { path: { databaseId, backupId: b.id } },
                          }),
                        ),
                      ).then(bump)
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
    </Card>
  );
}
