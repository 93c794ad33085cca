// The rating and backfill runs, newest first and paged: their state, what a completed one rated, why a failed one did not.
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { PagedTable } from '../../components/PagedTable';
import { Status, when } from '../../components/Status';

type Run = Schemas['BillingRatingRunState'];

export function RatingRuns() {
  const { t } = useTranslation();
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
    <PagedTable<Run>
      label={t('billing.ratingRuns')}
      rowKey="workflowId"
      pageSize={10}
      pageSizes={[10, 20, 50]}
      refreshMs={10_000}
      toolbar={() => null}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/billing/rating-runs', {
            params: { query: { limit: q.limit, offset: q.offset } },
          }),
        )
      }
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
  );
}
