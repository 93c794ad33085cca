// Performance charts of hosts, servers, storage and switch ports: the busiest objects by a figure, then one object's history.
import { Card, Select, Space, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { ErrorAlert } from '../../components/feedback';
import { MetricChart } from '../../components/MetricChart';
import { useAsync } from '../../components/use-async';

type ObjectType = Schemas['MonitoringObjectType'];
const types: ObjectType[] = ['host', 'server', 'storage', 'switch_port'];

export function OmPerformance() {
  const { t } = useTranslation();
  const [type, setType] = useState<ObjectType>('host');
  const [metric, setMetric] = useState<string>();
  const [chosen, setChosen] = useState<string>();
  const catalog = useAsync(() => ok(() => api.GET('/api/v1/monitoring/catalog')), []);
  const metrics = catalog.data?.types.find((x) => x.type === type)?.metrics ?? [];
  const m = metric ?? metrics[0]?.name;
  const top = useAsync(
    async () =>
      m
        ? ok(() => api.GET('/api/v1/monitoring/top', { params: { query: { type, metric: m, limit: 20 } } }))
        : undefined,
    [type, m],
    15_000,
  );
  const id = chosen ?? top.data?.items[0]?.id;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <label htmlFor="perf-type">{t('monitoring.objectType')}</label>
        <Select<ObjectType>
          id="perf-type"
          style={{ minWidth: 160 }}
          value={type}
          onChange={(v) => {
            setType(v);
            setMetric(undefined);
            setChosen(undefined);
          }}
          options={types.map((x) => ({ value: x, label: t(`monitoring.type.${x}`) }))}
        />
        <label htmlFor="perf-metric">{t('monitoring.rankBy')}</label>
        <Select
          id="perf-metric"
          style={{ minWidth: 260 }}
          value={m}
          onChange={setMetric}
          options={metrics.map((x) => ({ value: x.name, label: x.name }))}
        />
      </Space>
      <ErrorAlert error={catalog.error ?? top.error} />
      <Card size="small" title={t('monitoring.busiest')}>
        <Table
          aria-label={t('monitoring.busiest')}
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={top.data?.items ?? []}
          locale={{ emptyText: t('common.empty') }}
          onRow={(r) => ({ onClick: () => setChosen(r.id), style: { cursor: 'pointer' } })}
          columns={[
            {
              title: t('monitoring.object'),
              render: (_, r) => (
                <a
                  href="#"
                  onClick={(e) => {
                    e.preventDefault();
                    setChosen(r.id);
                  }}
                >
                  {r.id}
                </a>
              ),
            },
            { title: `${m ?? ''} (${top.data?.unit ?? ''})`, render: (_, r) => r.value.toFixed(2) },
          ]}
        />
      </Card>
      {id && <MetricChart key={`${type}/${id}`} type={type} id={id} title={t('monitoring.historyOf', { id })} />}
    </Space>
  );
}
