// The tenant's own images (snapshots of instances) and the cloud's public images.
import { Button, Popconfirm, Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { ResourceTab, resourceQuery } from '../../components/ResourceTab';
import { Status } from '../../components/Status';
import { useAsync } from '../../components/use-async';

// Glance's image statuses, the public images' status filter.
const imageStatuses = [
  'queued',
  'saving',
  'uploading',
  'importing',
  'active',
  'deactivated',
  'killed',
  'deleted',
  'pending_delete',
] as const;
type PublicImage = Schemas['OperatePublicImage'];

/** The cloud's public images, filtered and paged by the API; `admin` adds deletion (images:manage). */
export function PublicImages({ admin }: { admin?: boolean }) {
  const { t } = useTranslation();
  const act = useAct();
  const [version, setVersion] = useState(0);
  return (
    <PagedTable<PublicImage>
      label={t('image.public')}
      rowKey="id"
      version={version}
      pageSizes={[10, 20, 50, 100, 200]}
      filters={[
        { name: 'name', label: t('common.name') },
        {
          name: 'status',
          label: t('common.status'),
          options: imageStatuses.map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/public-images', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                name: q.name as string | undefined,
                status: q.status as (typeof imageStatuses)[number] | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('common.name'), dataIndex: 'name' },
        { title: t('common.status'), render: (_, i) => <Status value={i.status} /> },
        { title: t('image.format'), dataIndex: 'diskFormat' },
        { title: t('image.minDisk'), dataIndex: 'minDiskGb' },
        { title: t('image.size'), render: (_, i) => `${Math.round((i.sizeBytes ?? 0) / 1048576)} MB` },
        ...(admin
          ? [
              {
                title: t('common.actions'),
                render: (_: unknown, i: PublicImage) => (
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
                        setVersion((v) => v + 1);
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
              filterable
              id="image"
              label={t('image.own')}
              load={(q) => ok(() => api.GET('/api/v1/images', { params: { query: resourceQuery(q) } }))}
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
