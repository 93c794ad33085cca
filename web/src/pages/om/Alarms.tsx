// Alarms (acknowledge stops the SMS escalation), alarm rules and maintenance windows.
import { Button, Table, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth';
import { useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';

function AlarmList() {
  const { t } = useTranslation();
  const act = useAct();
  const { can } = useSession();
  const [version, setVersion] = useState(0);
  return (
    <PagedTable<Schemas['Alarm']>
      label={t('page.om.alarms')}
      rowKey="id"
      version={version}
      refreshMs={5_000}
      filters={[
        {
          name: 'status',
          label: t('common.status'),
          options: ['firing', 'acknowledged', 'resolved'].map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/alarms', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                status: q.status as 'firing' | 'acknowledged' | 'resolved' | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('alarm.rule'), dataIndex: 'ruleName' },
        { title: t('alarm.severity'), render: (_, a) => <Status value={a.severity} /> },
        {
          title: t('alarm.object'),
          render: (_, a) => (a.objectType ? `${t(`monitoring.type.${a.objectType}`)} ${a.objectId ?? ''}` : '—'),
        },
        { title: t('alarm.summary'), dataIndex: 'summary' },
        { title: t('common.status'), render: (_, a) => <Status value={a.status} /> },
        { title: t('alarm.since'), render: (_, a) => when(a.startsAt) },
        { title: t('alarm.acknowledgedBy'), render: (_, a) => a.acknowledgedBy ?? '—' },
        {
          title: t('common.actions'),
          render: (_, a) =>
            a.status === 'firing' &&
            can('alarms:manage') && (
              <Button
                size="small"
                onClick={() =>
                  void act(async () => {
                    await ok(() =>
                      api.POST('/api/v1/alarms/{alarmId}/acknowledge', { params: { path: { alarmId: a.id } } }),
                    );
                    setVersion((v) => v + 1);
                  })
                }
              >
                {t('alarm.acknowledge')}
              </Button>
            ),
        },
      ]}
    />
  );
}

function Rules() {
  const { t } = useTranslation();
  return (
    <PagedTable<Schemas['AlarmRule']>
      label={t('alarm.rules')}
      rowKey="id"
      load={(q) =>
        ok(() => api.GET('/api/v1/alarms/rules', { params: { query: { limit: q.limit, offset: q.offset } } }))
      }
      columns={[
        { title: t('common.name'), dataIndex: 'name' },
        { title: t('alarm.severity'), render: (_, r) => <Status value={r.severity} /> },
        {
          title: t('alarm.expression'),
          render: (_, r) => <code>{`${r.metric ?? r.expression ?? ''} ${r.comparison} ${r.threshold}`}</code>,
        },
        { title: t('alarm.enabled'), render: (_, r) => (r.enabled ? t('common.yes') : t('common.no')) },
      ]}
    />
  );
}

function Silences() {
  const { t } = useTranslation();
  const act = useAct();
  const silences = useAsync(() => ok(() => api.GET('/api/v1/alarms/silences')), []);
  return (
    <Table
      aria-label={t('alarm.silences')}
      size="small"
      rowKey="id"
      dataSource={silences.data?.items ?? []}
      locale={{ emptyText: t('common.empty') }}
      columns={[
        { title: t('alarm.comment'), dataIndex: 'comment' },
        { title: t('alarm.endsAt'), render: (_, s) => when(s.endsAt) },
        {
          title: t('alarm.matchers'),
          render: (_, s) => s.matchers.map((m) => <Tag key={m.name}>{`${m.name}=${m.value}`}</Tag>),
        },
        {
          title: t('common.actions'),
          render: (_, s) => (
            <Button
              size="small"
              danger
              onClick={() =>
                void act(async () => {
                  await ok(() =>
                    api.DELETE('/api/v1/alarms/silences/{silenceId}', { params: { path: { silenceId: s.id } } }),
                  );
                  await silences.reload();
                })
              }
            >
              {t('alarm.endSilence')}
            </Button>
          ),
        },
      ]}
    />
  );
}

export function OmAlarms() {
  const { t } = useTranslation();
  return (
    <Tabs
      items={[
        { key: 'alarms', label: t('page.om.alarms'), children: <AlarmList /> },
        { key: 'rules', label: t('alarm.rules'), children: <Rules /> },
        { key: 'silences', label: t('alarm.silences'), children: <Silences /> },
      ]}
    />
  );
}
