// What the embedded mail and SMS sinks received (the platform's own pages of on-call, without a real mail server).
import { Button, Card, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useAct } from '../../components/feedback';
import { PagedTable, type PageQuery } from '../../components/PagedTable';
import { when } from '../../components/Status';

/** A sink's query: a page, part of a recipient, part of the text. */
const sinkQuery = (q: PageQuery) => ({
  limit: q.limit,
  offset: q.offset,
  to: q.to as string | undefined,
  q: q.q as string | undefined,
});

export function SinkMessages() {
  const { t } = useTranslation();
  const act = useAct();
  const [version, setVersion] = useState(0);
  const filters = [
    { name: 'to', label: t('oncall.recipient') },
    { name: 'q', label: t('inbox.body') },
  ];
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Button
        danger
        onClick={() =>
          void act(() => ok(() => api.DELETE('/api/v1/sinks/messages')).then(() => setVersion((v) => v + 1)))
        }
      >
        {t('sinks.empty')}
      </Button>
      <Card size="small" title={t('sinks.mail')}>
        <PagedTable<Schemas['SinkMail'] & { key: string }>
          label={t('sinks.mail')}
          rowKey="key"
          version={version}
          refreshMs={10_000}
          pageSize={10}
          filters={filters}
          load={async (q) => {
            const r = await ok(() => api.GET('/api/v1/sinks/mail', { params: { query: sinkQuery(q) } }));
            return { ...r, items: r.items.map((m, i) => ({ ...m, key: `${q.offset + i}-${m.receivedAt}` })) };
          }}
          columns={[
            { title: t('inbox.received'), render: (_, m) => when(m.receivedAt) },
            { title: t('oncall.recipient'), render: (_, m) => m.to.join(', ') },
            { title: t('inbox.title'), dataIndex: 'subject' },
          ]}
        />
      </Card>
      <Card size="small" title={t('sinks.sms')}>
        <PagedTable<Schemas['SinkSms']>
          label={t('sinks.sms')}
          rowKey="sid"
          version={version}
          refreshMs={10_000}
          pageSize={10}
          filters={filters}
          load={(q) => ok(() => api.GET('/api/v1/sinks/sms', { params: { query: sinkQuery(q) } }))}
          columns={[
            { title: t('inbox.received'), render: (_, m) => when(m.receivedAt) },
            { title: t('oncall.recipient'), dataIndex: 'to' },
            { title: t('inbox.body'), dataIndex: 'body' },
          ]}
        />
      </Card>
    </Space>
  );
}
