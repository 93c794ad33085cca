// The live O&M dashboard: hosts and their load, alarms firing, evacuations and migrations in progress.
import { Card, Col, List, Row, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { Chart } from '../../components/Chart';
import { ErrorAlert } from '../../components/feedback';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';
import { href } from '../../router';

export function OmDashboard() {
  const { t } = useTranslation();
  const hosts = useAsync(
    () => ok(() => api.GET('/api/v1/hosts', { params: { query: { limit: 200, offset: 0 } } })),
    [],
    3_000,
  );
  const alarms = useAsync(
    () => ok(() => api.GET('/api/v1/alarms', { params: { query: { limit: 10, offset: 0, status: 'firing' } } })),
    [],
    3_000,
  );
  const migrations = useAsync(
    () => ok(() => api.GET('/api/v1/migrations', { params: { query: { limit: 10, offset: 0, status: 'running' } } })),
    [],
    2_000,
  );
  const evacuations = useAsync(
    () => ok(() => api.GET('/api/v1/evacuations', { params: { query: { limit: 10, offset: 0, status: 'running' } } })),
    [],
    2_000,
  );
  const items = hosts.data?.items ?? [];
  const up = items.filter((h) => h.state === 'ok').length;
  return (
    <>
      <ErrorAlert error={hosts.error ?? alarms.error ?? migrations.error ?? evacuations.error} />
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title={t('om.hostsOk')} value={`${up} / ${items.length}`} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <a href={href('om', 'alarms')}>
              <Statistic
                title={t('om.alarmsFiring')}
                value={alarms.data?.total ?? 0}
                styles={{ content: { color: alarms.data?.total ? '#cf1322' : undefined } }}
              />
            </a>
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title={t('om.migrationsRunning')} value={migrations.data?.total ?? 0} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title={t('om.evacuationsRunning')} value={evacuations.data?.total ?? 0} />
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} md={14}>
          <Card title={t('om.hostLoad')}>
            <Chart
              label={t('om.hostLoad')}
              option={{
                tooltip: { trigger: 'axis' },
                legend: { top: 0, data: [t('om.vcpusUsed'), t('om.memoryUsed')] },
                grid: { left: 50, right: 20, top: 40, bottom: 30 },
                xAxis: { type: 'category', data: items.map((h) => h.hostname) },
                yAxis: { type: 'value', max: 100, name: '%' },
                series: [
                  {
                    name: t('om.vcpusUsed'),
                    type: 'bar',
                    data: items.map((h) => (h.vcpus ? Math.round(((h.usedVcpus ?? 0) / h.vcpus) * 100) : 0)),
                  },
                  {
                    name: t('om.memoryUsed'),
                    type: 'bar',
                    data: items.map((h) => (h.memoryMb ? Math.round(((h.usedMemoryMb ?? 0) / h.memoryMb) * 100) : 0)),
                  },
                ],
              }}
            />
            <List
              size="small"
              dataSource={items}
              renderItem={(h) => (
                <List.Item>
                  <span>{h.hostname}</span>
                  <span>
                    <Status value={h.state} /> {t('om.vms', { count: h.runningVms ?? 0 })}
                  </span>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} md={10}>
          <Card title={t('om.alarmsFiring')} style={{ marginBottom: 16 }}>
            <List
              size="small"
              locale={{ emptyText: <Typography.Text type="secondary">{t('om.noAlarms')}</Typography.Text> }}
              dataSource={alarms.data?.items ?? []}
              renderItem={(a) => (
                <List.Item>
                  <span>
                    <Status value={a.severity} /> {a.ruleName} — {a.summary}
                  </span>
                  <span>{when(a.startsAt)}</span>
                </List.Item>
              )}
            />
          </Card>
          <Card title={t('om.inProgress')}>
            <List
              size="small"
              locale={{ emptyText: <Typography.Text type="secondary">{t('om.nothingRunning')}</Typography.Text> }}
              dataSource={[
                ...(migrations.data?.items ?? []).map((m) => ({
                  key: m.id,
                  text: t('om.migrating', {
                    server: m.serverId.slice(0, 8),
                    from: m.sourceHost ?? '?',
                    to: m.targetHost ?? '?',
                  }),
                })),
                ...(evacuations.data?.items ?? []).map((e) => ({
                  key: e.id,
                  text: t('om.evacuating', { host: e.hostname, done: e.evacuatedServers, total: e.totalServers }),
                })),
              ]}
              renderItem={(x) => <List.Item key={x.key}>{x.text}</List.Item>}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
