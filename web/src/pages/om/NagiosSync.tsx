// How the Nagios mirror's periodic syncs go: the last success, failures in a row and the last failure's cause.
import { Card, Descriptions, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { ErrorAlert } from '../../components/feedback';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';

export function NagiosSync() {
  const { t } = useTranslation();
  const sync = useAsync(() => ok(() => api.GET('/api/v1/alarms/nagios-sync')), [], 30_000);
  const d = sync.data;
  const s = d?.state;
  return (
    <Card size="small" title={t('alarm.nagios.title')}>
      <ErrorAlert error={sync.error} />
      {d && (
        <Descriptions size="small" column={3}>
          <Descriptions.Item label={t('common.status')}>
            <Status value={d.configured ? (d.status ?? 'not_running') : 'not_configured'} />
          </Descriptions.Item>
          <Descriptions.Item label={t('alarm.nagios.lastSync')}>{when(s?.lastSyncAt)}</Descriptions.Item>
          <Descriptions.Item label={t('alarm.nagios.syncs')}>{s?.syncs ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('alarm.nagios.failures')}>
            {s ? <Typography.Text type={s.failures ? 'danger' : undefined}>{s.failures}</Typography.Text> : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('alarm.nagios.lastFailure')} span={2}>
            {s?.lastFailure ? (
              <Typography.Text type="danger">{`${when(s.lastFailure.at)}: ${s.lastFailure.error}`}</Typography.Text>
            ) : (
              '—'
            )}
          </Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}
