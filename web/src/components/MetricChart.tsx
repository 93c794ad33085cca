// Performance of one monitored object: pick a figure, see its last hour (refreshed).
import { Card, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import type { Schemas } from '../api/types';
import { Chart, seriesOption } from './Chart';
import { ErrorAlert } from './feedback';
import { useAsync } from './use-async';

type ObjectType = Schemas['MonitoringObjectType'];

export function MetricChart({ type, id, title }: { type: ObjectType; id: string; title?: string }) {
  const { t } = useTranslation();
  const catalog = useAsync(() => ok(() => api.GET('/api/v1/monitoring/catalog')), []);
  const metrics = catalog.data?.types.find((x) => x.type === type)?.metrics ?? [];
  const [chosen, setChosen] = useState<string>();
  const metric = chosen ?? metrics[0]?.name;
  const history = useAsync(
    async () =>
      metric
        ? ok(() =>
            api.GET('/api/v1/monitoring/{type}/{id}/history', {
              params: { path: { type, id }, query: { metric } },
            }),
          )
        : undefined,
    [type, id, metric],
    15_000,
  );
  const selectId = `metric-${type}-${id}`;
  return (
    <Card
      size="small"
      title={title ?? t('monitoring.performance')}
      extra={
        <Space>
          <label htmlFor={selectId}>{t('monitoring.metric')}</label>
          <Select
            id={selectId}
            style={{ minWidth: 220 }}
            value={metric}
            onChange={setChosen}
            options={metrics.map((m) => ({ value: m.name, label: m.name }))}
          />
        </Space>
      }
    >
      <ErrorAlert error={catalog.error ?? history.error} />
      {history.data && (
        <Chart
          label={t('monitoring.chartOf', { metric: history.data.metric, id })}
          option={seriesOption(history.data.metric, history.data.unit, history.data.points as Array<[number, number]>)}
        />
      )}
    </Card>
  );
}
