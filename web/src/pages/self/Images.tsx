// The tenant's own images (snapshots of instances) and the cloud's public images.
import { Button, Popconfirm, Table, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { ErrorAlert, useAct } from '../../components/feedback';
import { ResourceTab } from '../../components/ResourceTab';
import { useAsync } from '../../components/use-async';

/** The cloud's public images; `admin` adds deletion (images:manage). */
export function PublicImages({ admin }: { admin?: boolean }) {
  const { t } = useTranslation();
  const act = useAct();
  const images = useAsync(() => ok(() => api.GET('/api/v1/public-images')), []);
  return (
    <>
      <ErrorAlert error={images.error} />
      <Table
        aria-label={t('image.public')}
        size="small"
        rowKey="id"
        loading={images.loading}
        dataSource={images.data?.items ?? []}
        columns={[
          { title: t('common.name'), dataIndex: 'name' },
          { title: t('common.status'), dataIndex: 'status' },
          { title: t('image.format'), dataIndex: 'diskFormat' },
          { title: t('image.minDisk'), dataIndex: 'minDiskGb' },
          { title: t('image.size'), render: (_, i) => `${Math.round((i.sizeBytes ?? 0) / 1048576)} MB` },
          ...(admin
            ? [
                {
                  title: t('common.actions'),
                  render: (_: unknown, i: { id: string }) => (
                    <Popconfirm
                      title={t('common.deleteConfirm')}
                      okText={t('common.yes')}
                      cancelText={t('common.no')}
                      onConfirm={() =>
                        void act(async () => {
                          await ok(() =>
                            api.DELETE('/api/v1/public-images/{publicImageId}', {
                              params: { path: { publicImageId: i.id } },
                            }),
                          );
                          await images.reload();
                        })
                      }
                    >
                      <Button size="small" danger>
                        {t('common.delete')}
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
    </>
  );
}

export function SelfImages() {
  const { t } = useTranslation();
  const instances = useAsync(
    () => ok(() => api.GET('/api/v1/instances', { params: { query: { limit: 200, offset: 0, status: 'active' } } })),
    [],
  );
  return (
    <Tabs
      items={[
        { key: 'public', label: t('image.public'), children: <PublicImages /> },
        {
          key: 'own',
          label: t('image.own'),
          children: (
            <ResourceTab
              id="image"
              label={t('image.own')}
              load={(q) =>
                ok(() => api.GET('/api/v1/images', { params: { query: { limit: q.limit, offset: q.offset } } }))
              }
              remove={(r) => ok(() => api.DELETE('/api/v1/images/{imageId}', { params: { path: { imageId: r.id } } }))}
              create={{
                title: t('image.fromInstance'),
                fields: [
                  { name: 'name', label: t('common.name'), required: true },
                  {
                    name: 'instanceId',
                    label: t('volume.instance'),
                    type: 'select',
                    required: true,
                    options: (instances.data?.items ?? []).map((i) => ({ value: i.id, label: i.name })),
                  },
                ],
                submit: (v: { name: string; instanceId: string }) =>
                  ok(() =>
                    api.POST('/api/v1/images', {
                      body: { name: v.name, source: { type: 'instance', instanceId: v.instanceId } },
                    }),
                  ),
              }}
            />
          ),
        },
      ]}
    />
  );
}
