// Process management: every API and worker process, the task queues' pollers, Temporal, the database, services, OpenStack.
import { Button, Card, Descriptions, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { ErrorAlert, useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { useSession } from '../../auth';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';

type Proc = Schemas['ManagedProcess'];
const processKinds = ['api', 'worker'] as const;
const processStates = ['up', 'gone'] as const;

function Probe({ p }: { p: { state: string; latencyMs: number | null; error?: string } }) {
  return (
    <span>
      <Status value={p.state === 'not configured' ? 'not_configured' : p.state} />{' '}
      {p.latencyMs != null ? `${p.latencyMs} ms` : ''} {p.error ?? ''}
    </span>
  );
}

/** Lets the Temporal UI in this browser decode through /codec: the codec's cookie (platform admins; README "Secrets"). */
function TemporalUiCodec() {
  const { t } = useTranslation();
  const act = useAct();
  const { me, can } = useSession();
  if (!me.roles.includes('platform_admin') || !can('admins:manage')) return null;
  return (
    <Button size="small" onClick={() => act(() => ok(() => api.POST('/codec/session')), t('process.codecOn'))}>
      {t('process.codec')}
    </Button>
  );
}

export function OmProcesses() {
  const { t } = useTranslation();
  const overview = useAsync(() => ok(() => api.GET('/api/v1/processes')), [], 5_000);
  const o = overview.data;
  const processColumns = [
    { title: t('process.kind'), render: (_: unknown, p: Proc) => t(`process.kinds.${p.kind}`) },
    { title: t('process.identity'), dataIndex: 'identity' },
    { title: t('process.host'), dataIndex: 'host' },
    { title: t('process.pid'), dataIndex: 'pid' },
    { title: t('process.queues'), render: (_: unknown, p: Proc) => p.queues.map((q) => <Tag key={q}>{q}</Tag>) },
    { title: t('common.status'), render: (_: unknown, p: Proc) => <Status value={p.state} /> },
    { title: t('process.started'), render: (_: unknown, p: Proc) => when(p.startedAt) },
    { title: t('process.lastSeen'), render: (_: unknown, p: Proc) => when(p.lastSeenAt) },
  ];
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <ErrorAlert error={overview.error} />
      {o && (
        <>
          <Card size="small" title={t('process.platform')} extra={<TemporalUiCodec />}>
            <Descriptions size="small" column={2}>
              <Descriptions.Item label={t('process.temporal')}>
                <Probe p={o.temporal} /> {o.temporal.address}
              </Descriptions.Item>
              <Descriptions.Item label={t('process.database')}>
                <Probe p={o.database} /> {o.database.kind}
              </Descriptions.Item>
              {o.services.map((s) => (
                <Descriptions.Item key={s.name} label={s.name}>
                  <Probe p={s} /> {s.address ?? ''}
                </Descriptions.Item>
              ))}
              <Descriptions.Item label={t('process.openstack')}>
                {o.openstack.identity ? <Probe p={o.openstack.identity} /> : t('process.notConfigured')}
              </Descriptions.Item>
              <Descriptions.Item label={t('process.checkedAt')}>{when(o.checkedAt)}</Descriptions.Item>
            </Descriptions>
          </Card>
          <Card size="small" title={t('process.queuesTitle')}>
            <Table
              aria-label={t('process.queuesTitle')}
              size="small"
              rowKey="queue"
              pagination={false}
              dataSource={o.workers}
              columns={[
                { title: t('process.queue'), dataIndex: 'taskQueue' },
                { title: t('common.status'), render: (_, w) => <Status value={w.state === 'down' ? 'gone' : 'up'} /> },
                {
                  title: t('process.pollers'),
                  render: (_, w) => w.pollers.filter((p) => p.state === 'polling').length,
                },
              ]}
            />
          </Card>
          <Card size="small" title={t('process.processes')}>
            <PagedTable<Proc>
              label={t('process.processes')}
              rowKey="id"
              refreshMs={5_000}
              filters={[
                {
                  name: 'kind',
                  label: t('process.kind'),
                  options: processKinds.map((k) => ({ value: k, label: t(`process.kinds.${k}`) })),
                },
                {
                  name: 'state',
                  label: t('common.status'),
                  options: processStates.map((s) => ({ value: s, label: t(`status.${s}`) })),
                },
                { name: 'q', label: t('process.search') },
                { name: 'queue', label: t('process.queue') },
              ]}
              load={(q) =>
                ok(() =>
                  api.GET('/api/v1/processes/list', {
                    params: {
                      query: {
                        limit: q.limit,
                        offset: q.offset,
                        kind: q.kind as (typeof processKinds)[number] | undefined,
                        state: q.state as (typeof processStates)[number] | undefined,
                        q: q.q as string | undefined,
                        queue: q.queue as string | undefined,
                      },
                    },
                  }),
                )
              }
              columns={processColumns}
            />
          </Card>
        </>
      )}
    </Space>
  );
}
