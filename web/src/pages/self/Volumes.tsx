// Volumes (attach, detach, snapshot, delete) and their snapshots.
import { Button, Modal, Popconfirm, Select, Space, Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth';
import { CreateButton } from '../../components/CreateForm';
import { useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';
import { resourceQuery, resourceStatuses } from '../../components/ResourceTab';

type Resource = Schemas['OperateResource'];

function attachedTo(v: Resource): string | undefined {
  const a = (v.attributes as { attachments?: Array<{ server_id?: string; serverId?: string }> }).attachments;
  return a?.[0]?.server_id ?? a?.[0]?.serverId;
}

function VolumeList() {
  const { t } = useTranslation();
  const act = useAct();
  const { can } = useSession();
  const operate = can('own:resources:operate', 'resources:operate');
  const [version, setVersion] = useState(0);
  const [attaching, setAttaching] = useState<Resource>();
  const [instanceId, setInstanceId] = useState<string>();
  const instances = useAsync(
    () => ok(() => api.GET('/api/v1/instances', { params: { query: { limit: 200, offset: 0, status: 'active' } } })),
    [attaching],
  );
  const bump = () => setVersion((v) => v + 1);
  const byServer = new Map((instances.data?.items ?? []).map((i) => [i.openstackId, i.name]));
  return (
    <>
      <PagedTable<Resource>
        label={t('page.self.volumes')}
        rowKey="id"
        version={version}
        refreshMs={4_000}
        filters={[
          { name: 'name', label: t('common.name') },
          {
            name: 'status',
            label: t('common.status'),
            options: resourceStatuses.map((s) => ({ value: s, label: t(`status.${s}`) })),
          },
        ]}
        toolbar={() =>
          operate && (
            <CreateButton<{ name: string; sizeGb: number }>
              id="volume-create"
              title={t('volume.create')}
              fields={[
                { name: 'name', label: t('common.name'), required: true },
                { name: 'sizeGb', label: t('catalog.sizeGb'), type: 'number', min: 1, required: true, initial: 1 },
              ]}
              submit={(body) => ok(() => api.POST('/api/v1/volumes', { body }))}
              onDone={bump}
            />
          )
        }
        load={(q) => ok(() => api.GET('/api/v1/volumes', { params: { query: resourceQuery(q) } }))}
        columns={[
          { title: t('common.name'), dataIndex: 'name' },
          { title: t('common.status'), render: (_, v) => <Status value={v.status} /> },
          { title: t('instance.osStatus'), render: (_, v) => <Status value={v.osStatus} /> },
          {
            title: t('catalog.sizeGb'),
            render: (_, v) =>
              String((v.attributes as { sizeGb?: number }).sizeGb ?? (v.spec as { sizeGb?: number }).sizeGb ?? ''),
          },
          {
            title: t('volume.attachedTo'),
            render: (_, v) => {
              const s = attachedTo(v);
              return s ? (byServer.get(s) ?? s) : '—';
            },
          },
          { title: t('order.created'), render: (_, v) => when(v.createdAt) },
          {
            title: t('common.actions'),
            render: (_, v) =>
              operate && v.status === 'active' ? (
                <Space>
                  {attachedTo(v) ? (
                    <Button
                      size="small"
                      onClick={() =>
                        void act(async () => {
                          const inst = instances.data?.items.find((i) => i.openstackId === attachedTo(v));
                          await ok(() =>
                            api.POST('/api/v1/volumes/{volumeId}/detach', {
                              params: { path: { volumeId: v.id } },
                              body: { instanceId: inst?.id ?? '' },
                            }),
                          );
                          bump();
                        }, t('volume.detached'))
                      }
                    >
                      {t('volume.detach')}
                    </Button>
                  ) : (
                    <Button size="small" onClick={() => setAttaching(v)}>
                      {t('volume.attach')}
                    </Button>
                  )}
                  <Button
                    size="small"
                    onClick={() =>
                      void act(async () => {
                        await ok(() =>
                          api.POST('/api/v1/volume-snapshots', { body: { volumeId: v.id, name: `${v.name}-snap` } }),
                        );
                        bump();
                      })
                    }
                  >
                    {t('volume.snapshot')}
                  </Button>
                  <Popconfirm
                    title={t('common.deleteConfirm')}
                    okText={t('common.yes')}
                    cancelText={t('common.no')}
                    onConfirm={() =>
                      void act(async () => {
                        await ok(() =>
                          api.DELETE('/api/v1/volumes/{volumeId}', { params: { path: { volumeId: v.id } } }),
                        );
                        bump();
                      })
                    }
                  >
                    <Button size="small" danger>
                      {t('common.delete')}
                    </Button>
                  </Popconfirm>
                </Space>
              ) : null,
          },
        ]}
      />
      <Modal
        open={!!attaching}
        title={t('volume.attachTitle', { name: attaching?.name ?? '' })}
        okText={t('volume.attach')}
        cancelText={t('common.cancel')}
        onCancel={() => setAttaching(undefined)}
        onOk={() =>
          void act(async () => {
            await ok(() =>
              api.POST('/api/v1/volumes/{volumeId}/attach', {
                params: { path: { volumeId: attaching!.id } },
                body: { instanceId: instanceId! },
              }),
            );
            setAttaching(undefined);
            bump();
          }, t('volume.attached'))
        }
      >
        <label htmlFor="attach-instance">{t('volume.instance')}</label>
        <Select
          id="attach-instance"
          style={{ width: '100%' }}
          value={instanceId}
          onChange={setInstanceId}
          options={(instances.data?.items ?? []).map((i) => ({ value: i.id, label: i.name }))}
        />
      </Modal>
    </>
  );
}

function SnapshotList() {
  const { t } = useTranslation();
  const act = useAct();
  const [version, setVersion] = useState(0);
  return (
    <PagedTable<Resource>
      label={t('volume.snapshots')}
      rowKey="id"
      version={version}
      filters={[
        { name: 'name', label: t('common.name') },
        {
          name: 'status',
          label: t('common.status'),
          options: resourceStatuses.map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
      ]}
      load={(q) => ok(() => api.GET('/api/v1/volume-snapshots', { params: { query: resourceQuery(q) } }))}
      columns={[
        { title: t('common.name'), dataIndex: 'name' },
        { title: t('common.status'), render: (_, v) => <Status value={v.status} /> },
        { title: t('order.created'), render: (_, v) => when(v.createdAt) },
        {
          title: t('common.actions'),
          render: (_, v) => (
            <Button
              size="small"
              danger
              onClick={() =>
                void act(async () => {
                  await ok(() =>
                    api.DELETE('/api/v1/volume-snapshots/{snapshotId}', { params: { path: { snapshotId: v.id } } }),
                  );
                  setVersion((x) => x + 1);
                })
              }
            >
              {t('common.delete')}
            </Button>
          ),
        },
      ]}
    />
  );
}

export function SelfVolumes() {
  const { t } = useTranslation();
  return (
    <Tabs
      items={[
        { key: 'volumes', label: t('page.self.volumes'), children: <VolumeList /> },
        { key: 'snapshots', label: t('volume.snapshots'), children: <SnapshotList /> },
      ]}
    />
  );
}
