// Alarms (acknowledge stops the SMS escalation), alarm rules and maintenance windows, under the Nagios sync's state.
import { Button, Modal, Popconfirm, Space, Tabs, Tag, Timeline } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth';
import { CreateButton } from '../../components/CreateForm';
import { ErrorAlert, useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';
import { NagiosSync } from './NagiosSync';

function HistoryButton({ alarmId }: { alarmId: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        {t('alarm.history')}
      </Button>
      <Modal open={open} title={t('alarm.history')} footer={null} onCancel={() => setOpen(false)}>
        {open && <AlarmHistory alarmId={alarmId} />}
      </Modal>
    </>
  );
}

const objectTypes = ['host', 'server', 'storage', 'switch_port'] as const;
const ruleSeverities = ['warning', 'major', 'critical'] as const;

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
        {
          name: 'severity',
          label: t('alarm.severity'),
          options: ruleSeverities.map((x) => ({ value: x, label: t(`status.${x}`) })),
        },
        {
          name: 'objectType',
          label: t('monitoring.objectType'),
          options: objectTypes.map((x) => ({ value: x, label: t(`monitoring.type.${x}`) })),
        },
        { name: 'q', label: t('alarm.search') },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/alarms', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                status: q.status as 'firing' | 'acknowledged' | 'resolved' | undefined,
                severity: q.severity as (typeof ruleSeverities)[number] | undefined,
                objectType: q.objectType as Schemas['MonitoringObjectType'] | undefined,
                q: q.q as string | undefined,
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
        { title: t('alarm.history'), render: (_, a) => <HistoryButton alarmId={a.id} /> },
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

type RuleForm = {
  name: string;
  objectType: Schemas['MonitoringObjectType'];
  metric: string;
  comparison: Schemas['AlarmRuleInput']['comparison'];
  threshold: number;
  severity?: 'warning' | 'major' | 'critical';
  emails?: string;
};

const ruleFields = (t: (k: string) => string, r?: Schemas['AlarmRule']) => [
  { name: 'name', label: t('common.name'), required: true, initial: r?.name },
  {
    name: 'objectType',
    label: t('monitoring.objectType'),
    type: 'select' as const,
    required: true,
    initial: r?.objectType ?? 'host',
    options: objectTypes.map((x) => ({ value: x, label: t(`monitoring.type.${x}`) })),
  },
  { name: 'metric', label: t('monitoring.metric'), required: true, initial: r?.metric ?? undefined },
  {
    name: 'comparison',
    label: t('alarm.comparison'),
    type: 'select' as const,
    required: true,
    initial: r?.comparison ?? '>',
    options: ['>', '>=', '<', '<=', '==', '!='].map((x) => ({ value: x, label: x })),
  },
  { name: 'threshold', label: t('alarm.threshold'), type: 'number' as const, required: true, initial: r?.threshold },
  {
    name: 'severity',
    label: t('alarm.severity'),
    type: 'select' as const,
    initial: r?.severity ?? 'warning',
    options: ruleSeverities.map((x) => ({ value: x, label: t(`status.${x}`) })),
  },
  { name: 'emails', label: t('alarm.emails'), initial: r?.emails.join(', ') },
];

const ruleBody = (v: RuleForm): Schemas['AlarmRuleInput'] =>
  ({
    ...v,
    emails: (v.emails ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean),
  }) as Schemas['AlarmRuleInput'];

function Rules() {
  const { t } = useTranslation();
  const act = useAct();
  const { can } = useSession();
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return (
    <PagedTable<Schemas['AlarmRule']>
      label={t('alarm.rules')}
      rowKey="id"
      version={version}
      toolbar={() =>
        can('alarms:manage') && (
          <CreateButton<RuleForm>
            id="rule"
            title={t('alarm.addRule')}
            fields={ruleFields(t)}
            submit={(v) => ok(() => api.POST('/api/v1/alarms/rules', { body: ruleBody(v) }))}
            onDone={bump}
          />
        )
      }
      filters={[
        { name: 'name', label: t('common.name') },
        {
          name: 'objectType',
          label: t('monitoring.objectType'),
          options: objectTypes.map((x) => ({ value: x, label: t(`monitoring.type.${x}`) })),
        },
        {
          name: 'severity',
          label: t('alarm.severity'),
          options: ruleSeverities.map((x) => ({ value: x, label: t(`status.${x}`) })),
        },
        {
          name: 'enabled',
          label: t('alarm.enabled'),
          options: [
            { value: 'true', label: t('common.yes') },
            { value: 'false', label: t('common.no') },
          ],
        },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/alarms/rules', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                name: q.name as string | undefined,
                objectType: q.objectType as Schemas['MonitoringObjectType'] | undefined,
                severity: q.severity as (typeof ruleSeverities)[number] | undefined,
                enabled: q.enabled as 'true' | 'false' | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('common.name'), dataIndex: 'name' },
        { title: t('monitoring.objectType'), render: (_, r) => t(`monitoring.type.${r.objectType}`) },
        { title: t('alarm.severity'), render: (_, r) => <Status value={r.severity} /> },
        {
          title: t('alarm.expression'),
          render: (_, r) => <code>{`${r.metric ?? r.expression ?? ''} ${r.comparison} ${r.threshold}`}</code>,
        },
        { title: t('alarm.enabled'), render: (_, r) => (r.enabled ? t('common.yes') : t('common.no')) },
        {
          title: t('common.actions'),
          render: (_, r) =>
            can('alarms:manage') && (
              <Space>
                <CreateButton<RuleForm>
                  id={`rule-${r.id}`}
                  title={t('alarm.editRule')}
                  fields={ruleFields(t, r)}
                  submit={(v) =>
                    ok(() =>
                      api.PUT('/api/v1/alarms/rules/{ruleId}', {
                        params: { path: { ruleId: r.id } },
                        body: ruleBody(v),
                      }),
                    )
                  }
                  onDone={bump}
                />
                <CreateButton<{ hours: number; comment: string }>
                  id={`silence-${r.id}`}
                  title={t('alarm.silence')}
                  fields={[
                    { name: 'hours', label: t('alarm.hours'), type: 'number', min: 1, required: true, initial: 2 },
                    { name: 'comment', label: t('alarm.comment'), required: true },
                  ]}
                  submit={(v) =>
                    ok(() =>
                      api.POST('/api/v1/alarms/silences', {
                        body: {
                          ruleId: r.id,
                          endsAt: new Date(Date.now() + v.hours * 3_600_000).toISOString(),
                          comment: v.comment,
                        },
                      }),
                    )
                  }
                />
                <Popconfirm
                  title={t('common.deleteConfirm')}
                  okText={t('common.yes')}
                  cancelText={t('common.no')}
                  onConfirm={() =>
                    void act(() =>
                      ok(() =>
                        api.DELETE('/api/v1/alarms/rules/{ruleId}', { params: { path: { ruleId: r.id } } }),
                      ).then(bump),
                    )
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
  );
}

function AlarmHistory({ alarmId }: { alarmId: string }) {
  const { t } = useTranslation();
  const alarm = useAsync(
    () => ok(() => api.GET('/api/v1/alarms/{alarmId}', { params: { path: { alarmId } } })),
    [alarmId],
  );
  return (
    <>
      <ErrorAlert error={alarm.error} />
      <Timeline
        items={(alarm.data?.history ?? []).map((h) => ({
          children: `${when(h.at)} · ${t(`alarm.event.${h.type}`)}${h.actor ? ` · ${h.actor}` : ''}`,
        }))}
      />
    </>
  );
}

const silenceStates = ['active', 'pending'] as const;

function Silences() {
  const { t } = useTranslation();
  const act = useAct();
  const [version, setVersion] = useState(0);
  return (
    <PagedTable<Schemas['AlarmSilence']>
      label={t('alarm.silences')}
      rowKey="id"
      version={version}
      filters={[
        {
          name: 'state',
          label: t('common.status'),
          options: silenceStates.map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
        { name: 'q', label: t('alarm.silenceSearch') },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/alarms/silences', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                state: q.state as (typeof silenceStates)[number] | undefined,
                q: q.q as string | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('alarm.comment'), dataIndex: 'comment' },
        { title: t('common.status'), render: (_, s) => <Status value={s.state} /> },
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
                  setVersion((v) => v + 1);
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
    <Space orientation="vertical" style={{ width: '100%' }}>
      <NagiosSync />
      <Tabs
        items={[
          { key: 'alarms', label: t('page.om.alarms'), children: <AlarmList /> },
          { key: 'rules', label: t('alarm.rules'), children: <Rules /> },
          { key: 'silences', label: t('alarm.silences'), children: <Silences /> },
        ]}
      />
    </Space>
  );
}
