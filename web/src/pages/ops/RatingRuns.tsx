// The latest rating and backfill runs, newest first: their state, what a completed one rated, why a failed one did not.
import { Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { ErrorAlert } from '../../components/feedback';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';

type Run = Schemas['BillingRatingRunState'];

export function RatingRuns() {
  const { t } = useTranslation();
  const runs = useAsync(
    () => ok(() => api.GET('/api/v1/billing/rating-runs', { params: { query: { limit: 20 } } })),
    [],
    10_000,
  );
  const rated = (r: Run) =>
    r.summary
      ? `${when(r.summary.from)} – ${when(r.summary.to)}: ${t('billing.ratedCounts', {
          metered: r.summary.metered,
          charges: r.summary.charges,
          bills: r.summary.bills,
          adjustments: r.summary.adjustments,
        })}`
      : '—';
  return (
    <>
      <ErrorAlert error={runs.error} />
      <Table<Run>
        aria-label={t('billing.ratingRuns')}
        size="small"
        rowKey="workflowId"
        pagination={false}
        dataSource={runs.data?.items ?? []}
        locale={{ emptyText: t('common.empty') }}
        columns={[
          { title: t('common.status'), render: (_, r) => <Status value={r.status} /> },
          { title: t('billing.startedAt'), render: (_, r) => when(r.startedAt) },
          { title: t('billing.closedAt'), render: (_, r) => when(r.closedAt) },
          { title: t('billing.rated'), render: (_, r) => rated(r) },
          {
            title: t('billing.failure'),
            render: (_, r) => (r.failure ? <Typography.Text type="danger">{r.failure}</Typography.Text> : '—'),
          },
        ]}
      />
    </>
  );
}
