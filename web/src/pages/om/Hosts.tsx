// Compute hosts with drain (live-migrates every server away), enable, evacuate and release; migrations and evacuations.
import { Button, Card, Popconfirm, Progress, Space, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth';
import { ErrorAlert, useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { ReasonButton } from '../../components/ReasonButton';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';

type Host = Schemas['HaHost'];
const hostStates = ['ok', 'suspect', 'degraded', 'failed', 'fenced', 'maintenance'] as const;

function DrainProgress({ hostname }: { hostname: string }) {
  const { t } = useTranslation();
  const drain = useAsync(
    () => ok(() => api.GET('/api/v1/hosts/{hostname}/drain', { params: { path: { hostname } } })),
    [hostname],
    1_500,
  );
  const d = drain.data;
  if (!d) return <ErrorAlert error={drain.error} />;
  const done = d.migrated.length + d.failed.length;
  return (
    <Card size="small" title={t('host.drainOf', { host: hostname })} aria-live="polite">
      <Typography.Paragraph data-testid="drain-phase">
        {t('host.phase')}: {t(`host.phases.${d.phase}`)} —{' '}
        {t('host.migratedCount', { done: d.migrated.length, total: d.total })}
      </Typography.Paragraph>
      <Progress
        percent={d.total ? Math.round((done / d.total) * 100) : d.phase === 'done' ? 100 : 0}
        status={d.failed.length ? 'exception' : d.phase === 'done' ? 'success' : 'active'}
        aria-label={t('host.drainOf', { host: hostname })}
      />
    </Card>
  );
}

function HostList({ onDrain }: { onDrain: (h: string) => void }) {
  const { t } = useTranslation();
  const act = useAct();
  const { can } = useSession();
  const operate = can('hosts:operate');
  const [version, setVersion] = useState(0);
  const enable = (hostname: string) =>
    act(async () => {
      await ok(() => api.POST('/api/v1/hosts/{hostname}/enable', { params: { path: { hostname } } }));
      setVersion((v) => v + 1);
    });
  const release = (hostname: string) =>
    act(async () => {
      await ok(() => api.POST('/api/v1/hosts/{hostname}/release', { params: { path: { hostname } } }));
      setVersion((v) => v + 1);
    });
  return (
    <PagedTable<Host>
      label={t('page.om.hosts')}
      rowKey="hostname"
      version={version}
      refreshMs={3_000}
      filters={[
        {
          name: 'state',
          label: t('host.state'),
          options: hostStates.map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/hosts', {
            params: {
              query: { limit: q.limit, offset: q.offset, state: q.state as (typeof hostStates)[number] | undefined },
            },
          }),
        )
      }
      columns={[
        { title: t('host.hostname'), dataIndex: 'hostname' },
        { title: t('host.state'), render: (_, h) => <Status value={h.state} /> },
        { title: t('host.up'), render: (_, h) => (h.up == null ? '—' : h.up ? t('common.yes') : t('common.no')) },
        {
          title: t('host.enabled'),
          render: (_, h) => (h.enabled == null ? '—' : h.enabled ? t('common.yes') : t('common.no')),
        },
        { title: t('host.vcpus'), render: (_, h) => `${h.usedVcpus ?? '?'} / ${h.vcpus ?? '?'}` },
        { title: t('host.memory'), render: (_, h) => `${h.usedMemoryMb ?? '?'} / ${h.memoryMb ?? '?'} MB` },
        { title: t('host.vms'), render: (_, h) => <span data-testid={`vms-${h.hostname}`}>{h.runningVms ?? 0}</span> },
        { title: t('host.lastSeen'), render: (_, h) => when(h.lastSeenAt) },
        {
          title: t('common.actions'),
          render: (_, h) =>
            operate && (
              <Space>
                {h.state === 'ok' && (
                  <Popconfirm
                    title={t('host.drainConfirm', { host: h.hostname })}
                    okText={t('common.yes')}
                    cancelText={t('common.no')}
                    onConfirm={() =>
                      void act(async () => {
                        await ok(() =>
                          api.POST('/api/v1/hosts/{hostname}/drain', {
                            params: { path: { hostname: h.hostname } },
                            body: {},
                          }),
                        );
                        onDrain(h.hostname);
                        setVersion((v) => v + 1);
                      }, t('host.drainStarted'))
                    }
                  >
                    <Button size="small">{t('host.drain')}</Button>
                  </Popconfirm>
                )}
                {h.enabled && (
                  <ReasonButton
                    id={`disable-${h.hostname}`}
                    label={t('host.disable')}
                    run={(reason) =>
                      ok(() =>
                        api.POST('/api/v1/pool/hosts/{hostname}/disable', {
                          params: { path: { hostname: h.hostname } },
                          body: { reason },
                        }),
                      ).then(() => setVersion((v) => v + 1))
                    }
                  />
                )}
                {h.state === 'maintenance' && (
                  <>
                    <Button size="small" onClick={() => onDrain(h.hostname)}>
                      {t('host.showDrain')}
                    </Button>
                    <Button size="small" onClick={() => void enable(h.hostname)}>
                      {t('host.enable')}
                    </Button>
                  </>
                )}
                {['ok', 'suspect', 'failed', 'maintenance'].includes(h.state) && (
                  <Popconfirm
                    title={t('host.evacuateConfirm', { host: h.hostname })}
                    okText={t('common.yes')}
                    cancelText={t('common.no')}
                    onConfirm={() =>
                      void act(async () => {
                        await ok(() =>
                          api.POST('/api/v1/hosts/{hostname}/evacuate', {
                            params: { path: { hostname: h.hostname } },
                            body: {},
                          }),
                        );
                        setVersion((v) => v + 1);
                      })
                    }
                  >
                    <Button size="small" danger>
                      {t('host.evacuate')}
                    </Button>
                  </Popconfirm>
                )}
                {h.state === 'fenced' && (
                  <Button size="small" onClick={() => void release(h.hostname)}>
                    {t('host.release')}
                  </Button>
                )}
              </Space>
            ),
        },
      ]}
    />
  );
}

function Migrations() {
  const { t } = useTranslation();
  const act = useAct();
  const { can } = useSession();
  return (
    <PagedTable<Schemas['HaMigration']>
      label={t('host.migrations')}
      rowKey="id"
      refreshMs={2_000}
      filters={[
        {
          name: 'status',
          label: t('common.status'),
          options: ['running', 'completed', 'failed', 'aborted'].map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/migrations', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                status: q.status as 'running' | 'completed' | 'failed' | 'aborted' | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('scheduling.server'), render: (_, m) => m.serverId.slice(0, 8) },
        { title: t('host.reason'), render: (_, m) => t(`host.reasons.${m.reason}`) },
        { title: t('scheduling.from'), dataIndex: 'sourceHost' },
        { title: t('scheduling.to'), dataIndex: 'targetHost' },
        { title: t('common.status'), render: (_, m) => <Status value={m.status} /> },
        { title: t('host.started'), render: (_, m) => when(m.startedAt) },
        { title: t('instance.finishedAt'), render: (_, m) => when(m.finishedAt) },
        { title: t('order.error'), dataIndex: 'error' },
        {
          title: t('common.actions'),
          render: (_, m) =>
            m.status === 'running' &&
            can('hosts:operate') && (
              <Button
                size="small"
                danger
                onClick={() =>
                  void act(() =>
                    ok(() =>
                      api.POST('/api/v1/migrations/{serverId}/abort', { params: { path: { serverId: m.serverId } } }),
                    ),
                  )
                }
              >
                {t('host.abort')}
              </Button>
            ),
        },
      ]}
    />
  );
}

const evacuationStatuses = ['running', 'completed', 'partial', 'failed'] as const;

function Evacuations() {
  const { t } = useTranslation();
  return (
    <PagedTable<Schemas['HaEvacuation']>
      label={t('host.evacuations')}
      rowKey="id"
      refreshMs={3_000}
      filters={[
        { name: 'hostname', label: t('host.hostname') },
        {
          name: 'status',
          label: t('common.status'),
          options: evacuationStatuses.map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/evacuations', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                hostname: q.hostname as string | undefined,
                status: q.status as (typeof evacuationStatuses)[number] | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('host.hostname'), dataIndex: 'hostname' },
        { title: t('common.status'), render: (_, e) => <Status value={e.status} /> },
        { title: t('host.trigger'), render: (_, e) => t(`host.triggers.${e.trigger}`) },
        { title: t('host.servers'), render: (_, e) => `${e.evacuatedServers} / ${e.totalServers}` },
        {
          title: t('host.recovery'),
          render: (_, e) => (e.recoveryMs == null ? '—' : `${(e.recoveryMs / 1000).toFixed(1)} s`),
        },
        { title: t('host.started'), render: (_, e) => when(e.startedAt) },
      ]}
    />
  );
}

export function OmHosts() {
  const { t } = useTranslation();
  const [draining, setDraining] = useState<string>();
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {draining && <DrainProgress hostname={draining} />}
      <Tabs
        items={[
          { key: 'hosts', label: t('page.om.hosts'), children: <HostList onDrain={setDraining} /> },
          { key: 'migrations', label: t('host.migrations'), children: <Migrations /> },
          { key: 'evacuations', label: t('host.evacuations'), children: <Evacuations /> },
        ]}
      />
    </Space>
  );
}
