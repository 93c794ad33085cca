// On-call contacts (rotation, channels, minimum severity), a test page, the notification record and the embedded sinks.
import { Button, Space, Switch, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { CreateButton } from '../../components/CreateForm';
import { useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { Status, when } from '../../components/Status';
import { SinkMessages } from './Sinks';

const severities = ['info', 'warning', 'critical'] as const;

function Contacts() {
  const { t } = useTranslation();
  const act = useAct();
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const yesNo = [
    { value: 'true', label: t('common.yes') },
    { value: 'false', label: t('common.no') },
  ];
  return (
    <PagedTable<Schemas['OncallContact']>
      label={t('oncall.contacts')}
      rowKey="id"
      version={version}
      toolbar={() => (
        <Space>
          <CreateButton<Schemas['OncallContactCreate']>
            id="contact"
            title={t('oncall.add')}
            fields={[
              { name: 'name', label: t('common.name'), required: true },
              { name: 'email', label: t('login.email') },
              { name: 'phone', label: t('oncall.phone') },
              {
                name: 'channels',
                label: t('oncall.channels'),
                type: 'multi',
                required: true,
                options: ['email', 'sms'].map((c) => ({ value: c, label: t(`oncall.channel.${c}`) })),
              },
              {
                name: 'minSeverity',
                label: t('oncall.minSeverity'),
                type: 'select',
                options: severities.map((s) => ({ value: s, label: t(`status.${s}`) })),
                initial: 'warning',
              },
              { name: 'onDuty', label: t('oncall.onDuty'), type: 'switch', initial: true },
            ]}
            submit={(body) => ok(() => api.POST('/api/v1/oncall/contacts', { body }))}
            onDone={bump}
          />
          <Button
            onClick={() =>
              void act(() => ok(() => api.POST('/api/v1/oncall/test', { body: {} })), t('oncall.testSent'))
            }
          >
            {t('oncall.test')}
          </Button>
        </Space>
      )}
      filters={[
        { name: 'name', label: t('common.name') },
        { name: 'onDuty', label: t('oncall.onDuty'), options: yesNo },
        {
          name: 'minSeverity',
          label: t('oncall.minSeverity'),
          options: severities.map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/oncall/contacts', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                name: q.name as string | undefined,
                onDuty: q.onDuty as 'true' | 'false' | undefined,
                minSeverity: q.minSeverity as (typeof severities)[number] | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('common.name'), dataIndex: 'name' },
        { title: t('login.email'), dataIndex: 'email' },
        { title: t('oncall.phone'), dataIndex: 'phone' },
        {
          title: t('oncall.channels'),
          render: (_, c) => c.channels.map((x) => <Tag key={x}>{t(`oncall.channel.${x}`)}</Tag>),
        },
        { title: t('oncall.minSeverity'), render: (_, c) => <Status value={c.minSeverity} /> },
        {
          title: t('oncall.onDuty'),
          render: (_, c) => (
            <Switch
              aria-label={t('oncall.onDutyOf', { name: c.name })}
              checked={c.onDuty}
              onChange={(onDuty) =>
                void act(async () => {
                  await ok(() =>
                    api.PATCH('/api/v1/oncall/contacts/{contactId}', {
                      params: { path: { contactId: c.id } },
                      body: { onDuty },
                    }),
                  );
                  bump();
                })
              }
            />
          ),
        },
        {
          title: t('common.actions'),
          render: (_, c) => (
            <Button
              size="small"
              danger
              onClick={() =>
                void act(async () => {
                  await ok(() =>
                    api.DELETE('/api/v1/oncall/contacts/{contactId}', { params: { path: { contactId: c.id } } }),
                  );
                  bump();
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

function Notifications() {
  const { t } = useTranslation();
  return (
    <PagedTable<Schemas['NotifyNotification']>
      label={t('oncall.notifications')}
      rowKey="id"
      refreshMs={10_000}
      filters={[
        {
          name: 'channel',
          label: t('oncall.channelCol'),
          options: ['email', 'sms', 'inbox'].map((c) => ({ value: c, label: t(`oncall.channel.${c}`) })),
        },
        {
          name: 'status',
          label: t('common.status'),
          options: ['queued', 'sent', 'failed', 'suppressed'].map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
        { name: 'recipient', label: t('oncall.recipient') },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/notifications', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                channel: q.channel as Schemas['NotifyChannel'] | undefined,
                status: q.status as Schemas['NotifyStatus'] | undefined,
                recipient: q.recipient as string | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('oncall.channelCol'), render: (_, n) => t(`oncall.channel.${n.channel}`) },
        { title: t('oncall.recipient'), dataIndex: 'recipient' },
        { title: t('oncall.event'), dataIndex: 'eventType' },
        { title: t('common.status'), render: (_, n) => <Status value={n.status} /> },
        { title: t('inbox.received'), render: (_, n) => when(n.createdAt) },
      ]}
    />
  );
}

export function OmOncall() {
  const { t } = useTranslation();
  return (
    <Tabs
      items={[
        { key: 'contacts', label: t('oncall.contacts'), children: <Contacts /> },
        { key: 'notifications', label: t('oncall.notifications'), children: <Notifications /> },
        { key: 'sinks', label: t('sinks.title'), children: <SinkMessages /> },
      ]}
    />
  );
}
