// What the embedded mail and SMS sinks received (the platform's own pages of on-call, without a real mail server).
import { Button, Card, Space, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { ErrorAlert, useAct } from '../../components/feedback';
import { when } from '../../components/Status';
import { useAsync } from '../../components/use-async';

export function SinkMessages() {
  const { t } = useTranslation();
  const act = useAct();
  const sinks = useAsync(() => ok(() => api.GET('/api/v1/sinks/messages')), [], 10_000);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Button danger onClick={() => void act(() => ok(() => api.DELETE('/api/v1/sinks/messages')).then(sinks.reload))}>
        {t('sinks.empty')}
      </Button>
      <ErrorAlert error={sinks.error} />
      <Card size="small" title={t('sinks.mail')}>
        <Table
          aria-label={t('sinks.mail')}
          size="small"
          rowKey={(m) => `${m.receivedAt}-${m.subject}`}
          dataSource={sinks.data?.mail ?? []}
          locale={{ emptyText: t('common.empty') }}
          columns={[
            { title: t('inbox.received'), render: (_, m) => when(m.receivedAt) },
            { title: t('oncall.recipient'), render: (_, m) => m.to.join(', ') },
            { title: t('inbox.title'), dataIndex: 'subject' },
          ]}
        />
      </Card>
      <Card size="small" title={t('sinks.sms')}>
        <Table
          aria-label={t('sinks.sms')}
          size="small"
          rowKey="sid"
          dataSource={sinks.data?.sms ?? []}
          locale={{ emptyText: t('common.empty') }}
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
