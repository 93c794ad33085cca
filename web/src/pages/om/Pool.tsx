// The resource pool: availability zones, host aggregates, volume pools and types, provider networks, IP pools,
// and host decommissioning with its progress.
import { Button, Card, Popconfirm, Space, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth';
import { CreateButton } from '../../components/CreateForm';
import { ErrorAlert, useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { Status } from '../../components/Status';
import { useAsync } from '../../components/use-async';

type Flag = 'true' | 'false';
type Options = Array<{ value: string; label: string }>;
const text = (v: string | number | undefined) => v as string | undefined;
const flag = (v: string | number | undefined) => v as Flag | undefined;

/** A yes/no filter's choices, sent as the routes' `true`/`false`. */
function useYesNo(): Options {
  const { t } = useTranslation();
  return [
    { value: 'true', label: t('common.yes') },
    { value: 'false', label: t('common.no') },
  ];
}

function DeleteButton({ run, done }: { run: () => Promise<unknown>; done: () => void }) {
  const { t } = useTranslation();
  const act = useAct();
  return (
    <Popconfirm
      title={t('common.deleteConfirm')}
      okText={t('common.yes')}
      cancelText={t('common.no')}
      onConfirm={() => void act(() => run().then(done))}
    >
      <Button size="small" danger>
        {t('common.delete')}
      </Button>
    </Popconfirm>
  );
}

function Zones({ hosts }: { hosts: Options }) {
  const { t } = useTranslation();
  const yesNo = useYesNo();
  return (
    <PagedTable<Schemas['PoolZone']>
      label={t('pool.zones')}
      rowKey="name"
      filters={[
        { name: 'name', label: t('common.name') },
        { name: 'host', label: t('host.hostname'), options: hosts },
        { name: 'available', label: t('pool.available'), options: yesNo },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/pool/availability-zones', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                name: text(q.name),
                host: text(q.host),
                available: flag(q.available),
              },
            },
          }),
        )
      }
      columns={[
        { title: t('common.name'), dataIndex: 'name' },
        { title: t('pool.available'), render: (_, z) => (z.available ? t('common.yes') : t('common.no')) },
        { title: t('page.om.hosts'), render: (_, z) => z.hosts.map((h) => <Tag key={h}>{h}</Tag>) },
      ]}
    />
  );
}

function Aggregates({ manage, hosts }: { manage: boolean; hosts: Options }) {
  const { t } = useTranslation();
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return (
    <PagedTable<Schemas['PoolAggregate']>
      label={t('pool.aggregates')}
      rowKey="id"
      version={version}
      toolbar={() =>
        manage && (
          <CreateButton<Schemas['PoolAggregateCreate']>
            id="aggregate"
            title={t('pool.newAggregate')}
            fields={[
              { name: 'name', label: t('common.name'), required: true },
              { name: 'availabilityZone', label: t('pool.zone') },
            ]}
            submit={(body) => ok(() => api.POST('/api/v1/pool/aggregates', { body }))}
            onDone={bump}
          />
        )
      }
      filters={[
        { name: 'name', label: t('common.name') },
        { name: 'availabilityZone', label: t('pool.zone') },
        { name: 'host', label: t('host.hostname'), options: hosts },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/pool/aggregates', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                name: text(q.name),
                availabilityZone: text(q.availabilityZone),
                host: text(q.host),
              },
            },
          }),
        )
      }
      columns={[
        { title: t('common.name'), dataIndex: 'name' },
        { title: t('pool.zone'), render: (_, a) => a.availabilityZone ?? '—' },
        { title: t('page.om.hosts'), render: (_, a) => a.hosts.map((h) => <Tag key={h}>{h}</Tag>) },
        {
          title: t('pool.metadata'),
          render: (_, a) =>
            Object.entries(a.metadata)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ') || '—',
        },
        {
          title: t('common.actions'),
          render: (_, a) =>
            manage && (
              <Space>
                <CreateButton<{ name: string; availabilityZone?: string }>
                  id={`agg-edit-${a.id}`}
                  title={t('network.rename')}
                  fields={[
                    { name: 'name', label: t('common.name'), required: true, initial: a.name },
                    { name: 'availabilityZone', label: t('pool.zone'), initial: a.availabilityZone ?? undefined },
                  ]}
                  submit={(body) =>
                    ok(() => api.PATCH('/api/v1/pool/aggregates/{id}', { params: { path: { id: a.id } }, body }))
                  }
                  onDone={bump}
                />
                <CreateButton<{ host: string; remove?: boolean }>
                  id={`agg-host-${a.id}`}
                  title={t('pool.hostMembership')}
                  fields={[
                    { name: 'host', label: t('host.hostname'), type: 'select', required: true, options: hosts },
                    { name: 'remove', label: t('lb.removeMember'), type: 'switch', initial: false },
                  ]}
                  submit={(v) =>
                    v.remove
                      ? ok(() =>
                          api.DELETE('/api/v1/pool/aggregates/{id}/hosts/{hostname}', {
                            params: { path: { id: a.id, hostname: v.host } },
                          }),
                        )
                      : ok(() =>
                          api.POST('/api/v1/pool/aggregates/{id}/hosts', {
                            params: { path: { id: a.id } },
                            body: { host: v.host },
                          }),
                        )
                  }
                  onDone={bump}
                />
                <CreateButton<{ key: string; value?: string }>
                  id={`agg-meta-${a.id}`}
                  title={t('pool.metadata')}
                  fields={[
                    { name: 'key', label: t('pool.key'), required: true },
                    { name: 'value', label: t('pool.valueOrEmpty') },
                  ]}
                  submit={(v) =>
                    ok(() =>
                      api.PUT('/api/v1/pool/aggregates/{id}/metadata', {
                        params: { path: { id: a.id } },
                        body: { metadata: { [v.key]: v.value || null } },
                      }),
                    )
                  }
                  onDone={bump}
                />
                <DeleteButton
                  run={() => ok(() => api.DELETE('/api/v1/pool/aggregates/{id}', { params: { path: { id: a.id } } }))}
                  done={bump}
                />
              </Space>
            ),
        },
      ]}
    />
  );
}

function Storage({ manage }: { manage: boolean }) {
  const { t } = useTranslation();
  const yesNo = useYesNo();
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Card size="small" title={t('pool.volumePools')}>
        <PagedTable<Schemas['PoolVolumePool']>
          label={t('pool.volumePools')}
          rowKey="name"
          filters={[
            { name: 'name', label: t('common.name') },
            { name: 'backend', label: t('pool.backend') },
          ]}
          load={(q) =>
            ok(() =>
              api.GET('/api/v1/pool/volume-pools', {
                params: { query: { limit: q.limit, offset: q.offset, name: text(q.name), backend: text(q.backend) } },
              }),
            )
          }
          columns={[
            { title: t('common.name'), dataIndex: 'name' },
            { title: t('pool.backend'), dataIndex: 'backend' },
            {
              title: t('pool.capacity'),
              render: (_, p) => `${p.freeCapacityGb ?? '?'} / ${p.totalCapacityGb ?? '?'} GB`,
            },
            { title: t('pool.protocol'), dataIndex: 'storageProtocol' },
          ]}
        />
      </Card>
      <Card size="small" title={t('pool.volumeTypes')}>
        <PagedTable<Schemas['PoolVolumeType']>
          label={t('pool.volumeTypes')}
          rowKey="id"
          version={version}
          toolbar={() =>
            manage && (
              <CreateButton<Schemas['PoolVolumeTypeCreate']>
                id="volume-type"
                title={t('pool.newVolumeType')}
                fields={[
                  { name: 'name', label: t('common.name'), required: true },
                  { name: 'description', label: t('catalog.description') },
                  { name: 'backend', label: t('pool.backend') },
                  { name: 'isPublic', label: t('pool.public'), type: 'switch', initial: true },
                ]}
                submit={(body) => ok(() => api.POST('/api/v1/pool/volume-types', { body }))}
                onDone={bump}
              />
            )
          }
          filters={[
            { name: 'name', label: t('common.name') },
            { name: 'backend', label: t('pool.backend') },
            { name: 'isPublic', label: t('pool.public'), options: yesNo },
          ]}
          load={(q) =>
            ok(() =>
              api.GET('/api/v1/pool/volume-types', {
                params: {
                  query: {
                    limit: q.limit,
                    offset: q.offset,
                    name: text(q.name),
                    backend: text(q.backend),
                    isPublic: flag(q.isPublic),
                  },
                },
              }),
            )
          }
          columns={[
            { title: t('common.name'), dataIndex: 'name' },
            { title: t('catalog.description'), dataIndex: 'description' },
            { title: t('pool.backend'), dataIndex: 'backend' },
            { title: t('pool.public'), render: (_, v) => (v.isPublic ? t('common.yes') : t('common.no')) },
            {
              title: t('common.actions'),
              render: (_, v) =>
                manage && (
                  <Space>
                    <CreateButton<{ description?: string; backend?: string }>
                      id={`vt-${v.id}`}
                      title={t('user.edit')}
                      fields={[
                        { name: 'description', label: t('catalog.description'), initial: v.description ?? undefined },
                        { name: 'backend', label: t('pool.backend'), initial: v.backend ?? undefined },
                      ]}
                      submit={(body) =>
                        ok(() => api.PATCH('/api/v1/pool/volume-types/{id}', { params: { path: { id: v.id } }, body }))
                      }
                      onDone={bump}
                    />
                    <DeleteButton
                      run={() =>
                        ok(() => api.DELETE('/api/v1/pool/volume-types/{id}', { params: { path: { id: v.id } } }))
                      }
                      done={bump}
                    />
                  </Space>
                ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

const networkTypes = ['flat', 'vlan', 'vxlan', 'geneve'];

function Networks({ manage }: { manage: boolean }) {
  const { t } = useTranslation();
  const yesNo = useYesNo();
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const nets = useAsync(
    () => ok(() => api.GET('/api/v1/pool/networks', { params: { query: { limit: 200, offset: 0 } } })),
    [version],
  );
  const networkOptions = (nets.data?.items ?? []).map((n) => ({ value: n.id, label: n.name }));
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Card size="small" title={t('pool.providerNetworks')}>
        <PagedTable<Schemas['PoolNetwork']>
          label={t('pool.providerNetworks')}
          rowKey="id"
          version={version}
          toolbar={() =>
            manage && (
              <CreateButton<Schemas['PoolNetworkCreate']>
                id="provider-network"
                title={t('network.createNetwork')}
                fields={[
                  { name: 'name', label: t('common.name'), required: true },
                  {
                    name: 'networkType',
                    label: t('pool.networkType'),
                    type: 'select',
                    required: true,
                    initial: 'flat',
                    options: networkTypes.map((x) => ({ value: x, label: x })),
                  },
                  { name: 'physicalNetwork', label: t('pool.physicalNetwork') },
                  { name: 'segmentationId', label: t('pool.segmentationId'), type: 'number', min: 1 },
                  { name: 'external', label: t('pool.external'), type: 'switch', initial: true },
                  { name: 'shared', label: t('pool.shared'), type: 'switch', initial: false },
                ]}
                submit={(body) => ok(() => api.POST('/api/v1/pool/networks', { body }))}
                onDone={bump}
              />
            )
          }
          filters={[
            { name: 'name', label: t('common.name') },
            {
              name: 'networkType',
              label: t('pool.networkType'),
              options: networkTypes.map((x) => ({ value: x, label: x })),
            },
            { name: 'external', label: t('pool.external'), options: yesNo },
            { name: 'shared', label: t('pool.shared'), options: yesNo },
          ]}
          load={(q) =>
            ok(() =>
              api.GET('/api/v1/pool/networks', {
                params: {
                  query: {
                    limit: q.limit,
                    offset: q.offset,
                    name: text(q.name),
                    networkType: text(q.networkType),
                    external: flag(q.external),
                    shared: flag(q.shared),
                  },
                },
              }),
            )
          }
          columns={[
            { title: t('common.name'), dataIndex: 'name' },
            { title: t('pool.networkType'), dataIndex: 'networkType' },
            { title: t('pool.external'), render: (_, n) => (n.external ? t('common.yes') : t('common.no')) },
            { title: t('pool.shared'), render: (_, n) => (n.shared ? t('common.yes') : t('common.no')) },
            {
              title: t('common.actions'),
              render: (_, n) =>
                manage && (
                  <DeleteButton
                    run={() => ok(() => api.DELETE('/api/v1/pool/networks/{id}', { params: { path: { id: n.id } } }))}
                    done={bump}
                  />
                ),
            },
          ]}
        />
      </Card>
      <Card size="small" title={t('pool.ipPools')}>
        <PagedTable<Schemas['PoolIpPool']>
          label={t('pool.ipPools')}
          rowKey="id"
          version={version}
          toolbar={() =>
            manage && (
              <CreateButton<{ networkId: string; name?: string; cidr: string; start: string; end: string }>
                id="ip-pool"
                title={t('pool.newIpPool')}
                fields={[
                  {
                    name: 'networkId',
                    label: t('catalog.network'),
                    type: 'select',
                    required: true,
                    options: networkOptions,
                  },
                  { name: 'name', label: t('common.name') },
                  { name: 'cidr', label: t('catalog.cidr'), required: true },
                  { name: 'start', label: t('pool.firstAddress'), required: true },
                  { name: 'end', label: t('pool.lastAddress'), required: true },
                ]}
                submit={(v) =>
                  ok(() =>
                    api.POST('/api/v1/pool/ip-pools', {
                      body: {
                        networkId: v.networkId,
                        name: v.name,
                        cidr: v.cidr,
                        allocationPools: [{ start: v.start, end: v.end }],
                      },
                    }),
                  )
                }
                onDone={bump}
              />
            )
          }
          filters={[
            { name: 'name', label: t('common.name') },
            { name: 'cidr', label: t('catalog.cidr') },
            { name: 'networkId', label: t('catalog.network'), options: networkOptions },
          ]}
          load={(q) =>
            ok(() =>
              api.GET('/api/v1/pool/ip-pools', {
                params: {
                  query: {
                    limit: q.limit,
                    offset: q.offset,
                    name: text(q.name),
                    cidr: text(q.cidr),
                    networkId: text(q.networkId),
                  },
                },
              }),
            )
          }
          columns={[
            { title: t('common.name'), dataIndex: 'name' },
            { title: t('catalog.cidr'), dataIndex: 'cidr' },
            {
              title: t('pool.usage'),
              render: (_, p) => `${p.used} / ${p.total} (${t('pool.free', { count: p.free })})`,
            },
            {
              title: t('common.actions'),
              render: (_, p) =>
                manage && (
                  <DeleteButton
                    run={() => ok(() => api.DELETE('/api/v1/pool/ip-pools/{id}', { params: { path: { id: p.id } } }))}
                    done={bump}
                  />
                ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

function Decommission({ manage, hosts }: { manage: boolean; hosts: Options }) {
  const { t } = useTranslation();
  const [host, setHost] = useState<string>();
  const progress = useAsync(
    async () =>
      host
        ? ok(() => api.GET('/api/v1/pool/hosts/{hostname}/decommission', { params: { path: { hostname: host } } }))
        : undefined,
    [host],
    2_000,
  );
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {manage && (
        <CreateButton<{ hostname: string }>
          id="decommission"
          title={t('pool.decommission')}
          fields={[{ name: 'hostname', label: t('host.hostname'), type: 'select', required: true, options: hosts }]}
          submit={async (v) => {
            const r = await ok(() =>
              api.POST('/api/v1/pool/hosts/{hostname}/decommission', {
                params: { path: { hostname: v.hostname } },
                body: {},
              }),
            );
            setHost(v.hostname);
            return r;
          }}
        />
      )}
      <ErrorAlert error={progress.error} />
      {progress.data && (
        <Typography.Paragraph aria-live="polite">
          {progress.data.hostname}: <Status value={progress.data.phase} /> {progress.data.error ?? ''}
        </Typography.Paragraph>
      )}
    </Space>
  );
}

export function OmPool() {
  const { t } = useTranslation();
  const { can } = useSession();
  const manage = can('pool:manage');
  const hosts = useAsync(
    () => ok(() => api.GET('/api/v1/hosts', { params: { query: { limit: 200, offset: 0 } } })),
    [],
  );
  const hostOptions = (hosts.data?.items ?? []).map((h) => ({ value: h.hostname, label: h.hostname }));
  return (
    <Tabs
      items={[
        { key: 'zones', label: t('pool.zones'), children: <Zones hosts={hostOptions} /> },
        {
          key: 'aggregates',
          label: t('pool.aggregates'),
          children: <Aggregates manage={manage} hosts={hostOptions} />,
        },
        { key: 'storage', label: t('pool.storage'), children: <Storage manage={manage} /> },
        { key: 'networks', label: t('pool.networks'), children: <Networks manage={manage} /> },
        {
          key: 'decommission',
          label: t('pool.decommission'),
          children: <Decommission manage={manage} hosts={hostOptions} />,
        },
      ]}
    />
  );
}
