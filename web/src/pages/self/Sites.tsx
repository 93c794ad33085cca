// Sites on the shared hosting tier: the list with status and URL, and ordering one (through the order approval flow).
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth';
import { CreateButton } from '../../components/CreateForm';
import { PagedTable } from '../../components/PagedTable';
import { useAsync } from '../../components/use-async';
import { Status, when } from '../../components/Status';
import { go, href } from '../../router';
import { SiteDetail } from './SiteDetail';

type Site = Schemas['Site'];
// The statuses a site is listed with (a removed one is listed by none).
const siteStatuses = ['ordered', 'provisioning', 'ready', 'live', 'failed', 'removing'] as const;

function SiteList() {
  const { t } = useTranslation();
  const { can } = useSession();
  // The app environments a site can be ordered with (the active ones the shared hosts serve); none chosen: the default.
  const environments = useAsync(
    () =>
      ok(() => api.GET('/api/v1/app-environments', { params: { query: { status: 'active', limit: 200 } } })).then((p) =>
        p.items.filter((e) => e.webServer === 'nginx'),
      ),
    [],
  );
  return (
    <PagedTable<Site>
      label={t('page.self.sites')}
      rowKey="id"
      refreshMs={5_000}
      toolbar={() =>
        can('own:orders:create') && (
          <CreateButton<{ name: string; diskMb: number; environmentId?: string; database?: boolean; note?: string }>
            id="site-order"
            title={t('site.order')}
            fields={[
              { name: 'name', label: t('site.name'), required: true },
              { name: 'diskMb', label: t('site.diskMb'), type: 'number', min: 1, required: true, initial: 500 },
              {
                name: 'environmentId',
                label: t('appEnv.ofSite'),
                type: 'select',
                options: (environments.data ?? []).map((e) => ({
                  value: e.id,
                  label: `${e.name} v${e.version} (PHP ${e.phpVersion})`,
                })),
              },
              { name: 'database', label: t('site.withDatabase'), type: 'switch', initial: false },
              { name: 'note', label: t('site.note'), type: 'textarea' },
            ]}
            submit={async (body) => {
              const r = await ok(() => api.POST('/api/v1/sites', { body: { ...body, database: !!body.database } }));
              go('self', 'orders', r.orderId);
              return r;
            }}
          />
        )
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
