// Scaling groups: bounds, desired size, pause/resume, forced size, policies; each group's state, members and decisions.
import { Button, Card, Descriptions, Popconfirm, Space, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { CreateButton } from '../../components/CreateForm';
import { ErrorAlert, useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';
import { href } from '../../router';

type Group = Schemas['ScalingGroup'];

function GroupDetail({ groupId, face }: { groupId: string; face: string }) {
  const { t } = useTranslation();
  const act = useAct();
  const path = { groupId };
  const group = useAsync(
    () => ok(() => api.GET('/api/v1/scaling-groups/{groupId}', { params: { path } })),
    [groupId],
    5_000,
  );
  const state = useAsync(
    () => ok(() => api.GET('/api/v1/scaling-groups/{groupId}/state', { params: { path } })),
    [groupId],
    5_000,
  );
  const g = group.data;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <a href={href(face, 'scaling')}>{t('common.backToList')}</a>
      <ErrorAlert error={group.error ?? state.error} />
      {g && (
        <Card title={g.name}>
          <Descriptions size="small" column={3}>
            <Descriptions.Item label={t('common.status')}>
              <Status value={g.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('scaling.bounds')}>{`${g.minSize} – ${g.maxSize}`}</Descriptions.Item>
            <Descriptions.Item label={t('scaling.desired')}>{g.desiredCapacity}</Descriptions.Item>
            {Object.entries((state.data ?? {}) as Record<string, unknown>)
              .filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
              .map(([k, v]) => (
                <Descriptions.Item key={k} label={k}>
                  {String(v ?? '—')}
                </Descriptions.Item>
              ))}
          </Descriptions>
          <Space wrap>
            <CreateButton<Schemas['ScalingGroupPatch']>
              id="sg-patch"
              title={t('scaling.change')}
              fields={[
                { name: 'minSize', label: t('scaling.min'), type: 'number', min: 0, initial: g.minSize },
                { name: 'maxSize', label: t('scaling.max'), type: 'number', min: 1, initial: g.maxSize },
                {
                  name: 'desiredCapacity',
                  label: t('scaling.desired'),
                  type: 'number',
                  min: 0,
                  initial: g.desiredCapacity,
                },
              ]}
              submit={(body) => ok(() => api.PATCH('/api/v1/scaling-groups/{groupId}', { params: { path }, body }))}
              onDone={group.reload}
            />
            <CreateButton<Schemas['ScalingForceSize']>
              id="sg-force"
              title={t('scaling.forceSize')}
              fields={[{ name: 'size', label: t('scaling.size'), type: 'number', min: 0, required: true }]}
              submit={(body) =>
                ok(() => api.POST('/api/v1/scaling-groups/{groupId}/force-size', { params: { path }, body }))
              }
              onDone={group.reload}
            />
            <CreateButton<Schemas['ScalingPolicyCreate']>
              id="sg-policy"
              title={t('scaling.addPolicy')}
              fields={[
                { name: 'name', label: t('common.name'), required: true },
                {
                  name: 'comparison',
                  label: t('scaling.comparison'),
                  type: 'select',
                  required: true,
                  options: ['above', 'below'].map((c) => ({ value: c, label: t(`scaling.${c}`) })),
                },
                { name: 'threshold', label: t('scaling.threshold'), type: 'number', required: true },
                {
                  name: 'adjustmentType',
                  label: t('scaling.adjustmentType'),
                  type: 'select',
                  required: true,
                  initial: 'CHANGE_IN_CAPACITY',
                  options: ['CHANGE_IN_CAPACITY', 'EXACT_CAPACITY', 'PERCENT_CHANGE_IN_CAPACITY'].map((c) => ({
                    value: c,
                    label: c,
                  })),
                },
                { name: 'adjustment', label: t('scaling.adjustment'), type: 'number', required: true },
              ]}
              submit={(body) =>
                ok(() => api.POST('/api/v1/scaling-groups/{groupId}/policies', { params: { path }, body }))
              }
              onDone={group.reload}
            />
            <CreateButton<Schemas['IsolationSessionLimit']>
              id="sg-sessions"
              title={t('scaling.sessionLimit')}
              fields={[
                { name: 'listenerId', label: t('scaling.listenerId'), required: true },
                {
                  name: 'connectionLimit',
                  label: t('scaling.connectionLimit'),
                  type: 'number',
                  min: 1,
                  required: true,
                },
              ]}
              submit={(body) =>
                ok(() =>
                  api.PUT('/api/v1/isolation/scaling-groups/{groupId}/session-limit', { params: { path }, body }),
                )
              }
            />
            {g.status === 'active' ? (
              <Button
                onClick={() =>
                  void act(() =>
                    ok(() => api.POST('/api/v1/scaling-groups/{groupId}/pause', { params: { path } })).then(
                      group.reload,
                    ),
                  )
                }
              >
                {t('scaling.pause')}
              </Button>
            ) : (
              <Button
                onClick={() =>
                  void act(() =>
                    ok(() => api.POST('/api/v1/scaling-groups/{groupId}/resume', { params: { path } })).then(
                      group.reload,
                    ),
                  )
                }
              >
                {t('scaling.resume')}
              </Button>
            )}
          </Space>
          <Table<Schemas['ScalingPolicy']>
            aria-label={t('scaling.policies')}
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={g.policies}
            style={{ marginTop: 12 }}
            columns={[
              { title: t('common.name'), dataIndex: 'name' },
              { title: t('scaling.comparison'), render: (_, p) => `${t(`scaling.${p.comparison}`)} ${p.threshold}` },
              { title: t('scaling.adjustment'), render: (_, p) => `${p.adjustmentType} ${p.adjustment}` },
              {
                title: t('common.actions'),
                render: (_, p) => (
                  <Button
                    size="small"
                    danger
                    onClick={() =>
                      void act(() =>
                        ok(() =>
                          api.DELETE('/api/v1/scaling-groups/{groupId}/policies/{policyId}', {
                            params: { path: { groupId, policyId: p.id } },
                          }),
                        ).then(group.reload),
                      )
                    }
                  >
                    {t('common.delete')}
                  </Button>
                ),
              },
            ]}
          />
        </Card>
      )}
      <Card size="small" title={t('scaling.members')}>
        <PagedTable<Schemas['ScalingMember']>
          label={t('scaling.members')}
          rowKey="id"
          refreshMs={5_000}
          load={(q) =>
            ok(() =>
              api.GET('/api/v1/scaling-groups/{groupId}/members', {
                params: { path, query: { limit: q.limit, offset: q.offset } },
              }),
            )
          }
          columns={[
            { title: t('scheduling.server'), render: (_, m) => (m.serverId ?? '—').slice(0, 12) },
            { title: t('network.address'), render: (_, m) => m.address ?? '—' },
            { title: t('common.status'), render: (_, m) => <Status value={m.status} /> },
            { title: t('scaling.cause'), dataIndex: 'cause' },
            { title: t('order.created'), render: (_, m) => when(m.createdAt) },
          ]}
        />
      </Card>
      <Card size="small" title={t('scaling.decisions')}>
        <PagedTable<Schemas['ScalingDecision']>
          label={t('scaling.decisions')}
          rowKey="id"
          refreshMs={5_000}
          load={(q) =>
            ok(() =>
              api.GET('/api/v1/scaling-groups/{groupId}/decisions', {
                params: { path, query: { limit: q.limit, offset: q.offset } },
              }),
            )
          }
          columns={[
            { title: t('audit.at'), render: (_, d) => when(d.at) },
            { title: t('scaling.decision'), render: (_, d) => `${d.action}: ${d.from} → ${d.to}` },
            { title: t('order.reason'), dataIndex: 'reason' },
          ]}
        />
      </Card>
    </Space>
  );
}

// The statuses a group is listed with (a deleted one is listed by none).
const groupStatuses = ['active', 'paused', 'deleting'] as const;

export function ScalingGroups({ face, id }: { face: string; id?: string }) {
  const { t } = useTranslation();
  const act = useAct();
  const [version, setVersion] = useState(0);
  const products = useAsync(
    () =>
      ok(() => api.GET('/api/v1/catalog/products', { params: { query: { limit: 200, offset: 0, kind: 'flavor' } } })),
    [],
  );
  const images = useAsync(() => ok(() => api.GET('/api/v1/public-images')), []);
  const networks = useAsync(
    () => ok(() => api.GET('/api/v1/networks', { params: { query: { limit: 200, offset: 0 } } })),
    [],
  );
  if (id) return <GroupDetail groupId={id} face={face} />;
  return (
    <PagedTable<Group>
      label={t('page.self.scaling')}
      rowKey="id"
      version={version}
      refreshMs={5_000}
      toolbar={() => (
        <CreateButton<{
          name: string;
          flavorId: string;
          imageId: string;
          networkId: string;
          minSize: number;
          maxSize: number;
        }>
          id="scaling-group"
          title={t('scaling.create')}
          fields={[
            { name: 'name', label: t('common.name'), required: true },
            {
              name: 'flavorId',
              label: t('catalog.flavor'),
              type: 'select',
              required: true,
              options: (products.data?.items ?? []).map((p) => ({ value: p.id, label: p.name })),
            },
            {
              name: 'imageId',
              label: t('catalog.image'),
              type: 'select',
              required: true,
              options: (images.data?.items ?? []).map((i) => ({ value: i.id, label: i.name })),
            },
            {
              name: 'networkId',
              label: t('catalog.network'),
              type: 'select',
              required: true,
              options: (networks.data?.items ?? [])
                .filter((n) => n.openstackId)
                .map((n) => ({ value: n.openstackId!, label: n.name })),
            },
            { name: 'minSize', label: t('scaling.min'), type: 'number', min: 0, required: true, initial: 1 },
            { name: 'maxSize', label: t('scaling.max'), type: 'number', min: 1, required: true, initial: 3 },
          ]}
          submit={(v) =>
            ok(() =>
              api.POST('/api/v1/scaling-groups', {
                body: {
                  name: v.name,
                  minSize: v.minSize,
                  maxSize: v.maxSize,
                  evaluationSeconds: 60,
                  cooldownSeconds: 300,
                  scaleInStrategy: 'OLDEST_FIRST',
                  template: { flavorId: v.flavorId, imageId: v.imageId, networkId: v.networkId, protocolPort: 80 },
                },
              }),
            )
          }
          onDone={() => setVersion((x) => x + 1)}
        />
      )}
      filters={[
        { name: 'name', label: t('common.name') },
        {
          name: 'status',
          label: t('common.status'),
          options: groupStatuses.map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/scaling-groups', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                name: q.name as string | undefined,
                status: q.status as (typeof groupStatuses)[number] | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('common.name'), render: (_, g) => <a href={href(face, 'scaling', g.id)}>{g.name}</a> },
        { title: t('common.status'), render: (_, g) => <Status value={g.status} /> },
        { title: t('scaling.bounds'), render: (_, g) => `${g.minSize} – ${g.maxSize}` },
        { title: t('scaling.desired'), dataIndex: 'desiredCapacity' },
        { title: t('order.created'), render: (_, g) => when(g.createdAt) },
        {
          title: t('common.actions'),
          render: (_, g) => (
            <Popconfirm
              title={t('common.deleteConfirm')}
              okText={t('common.yes')}
              cancelText={t('common.no')}
              onConfirm={() =>
                void act(() =>
                  ok(() =>
                    api.DELETE('/api/v1/scaling-groups/{groupId}', { params: { path: { groupId: g.id } } }),
                  ).then(() => setVersion((x) => x + 1)),
                )
              }
            >
              <Button size="small" danger>
                {t('common.delete')}
              </Button>
            </Popconfirm>
          ),
        },
      ]}
    />
  );
}

export function SelfScaling({ id }: { id?: string }) {
  return <ScalingGroups face="self" id={id} />;
}
