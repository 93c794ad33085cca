// Sites, shared or dedicated: the list with tier, status and URL, and ordering one (through the order approval flow).
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth';
import { PagedTable } from '../../components/PagedTable';
import { SiteOrderButton } from '../../components/SiteOrderButton';
import { Status, when } from '../../components/Status';
import { go, href } from '../../router';
import { SiteDetail } from './SiteDetail';

type Site = Schemas['Site'];
// The statuses a site is listed with (a removed one is listed by none).
const siteStatuses = ['ordered', 'provisioning', 'ready', 'live', 'failed', 'removing'] as const;

function SiteList() {
  const { t } = useTranslation();
  const { can } = useSession();
  return (
    <PagedTable<Site>
      label={t('page.self.sites')}
      rowKey="id"
      refreshMs={5_000}
      toolbar={() =>
        can('own:orders:create') && <SiteOrderButton ordered={(orderId) => go('self', 'orders', orderId)} />
      }
      filters={[
        { name: 'name', label: t('common.name') },
        {
          name: 'status',
          label: t('common.status'),
          options: siteStatuses.map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/sites', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                name: q.name as string | undefined,
                status: q.status as (typeof siteStatuses)[number] | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('common.name'), render: (_, s) => <a href={href('self', 'sites', s.id)}>{s.name}</a> },
        {
          title: t('site.tier'),
          render: (_, s) => (
            <>
              {t(`site.tiers.${s.tier}`)}
              {s.migration && (
                <>
                  {' '}
                  · {t('site.migration.short')} <Status value={s.migration.state} />
                </>
              )}
            </>
          ),
        },
        { title: t('common.status'), render: (_, s) => <Status value={s.status} /> },
        { title: t('site.health'), render: (_, s) => (s.health ? <Status value={s.health} /> : '—') },
        {
          title: t('site.url'),
          render: (_, s) =>
            s.url ? (
              <Typography.Link href={s.url} target="_blank" rel="noreferrer">
                {s.url}
              </Typography.Link>
            ) : (
              '—'
            ),
        },
        { title: t('site.liveRelease'), render: (_, s) => s.liveRelease ?? '—' },
        { title: t('site.diskMb'), dataIndex: 'diskMb' },
        { title: t('site.php'), dataIndex: 'phpVersion' },
        { title: t('order.created'), render: (_, s) => when(s.createdAt) },
      ]}
    />
  );
}

export function SelfSites({ id }: { id?: string }) {
  return id ? <SiteDetail id={id} /> : <SiteList />;
}
