// The shared web hosting pool: its hosts with capacity and what their sites use, and registering one.
import { Progress } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth';
import { CreateButton } from '../../components/CreateForm';
import { PagedTable } from '../../components/PagedTable';
import { Status, when } from '../../components/Status';

type SiteHost = Schemas['SiteHost'];

const used = (n: number, of: number) => (of ? Math.round((n / of) * 100) : 0);

export function OmSiteHosts() {
  const { t } = useTranslation();
  const { can } = useSession();
  const [version, setVersion] = useState(0);
  return (
    <PagedTable<SiteHost>
      label={t('page.om.sitehosts')}
      rowKey="id"
      version={version}
      refreshMs={10_000}
      toolbar={() =>
        can('pool:manage') && (
          <CreateButton<Schemas['SiteHostCreate']>
            id="site-host-create"
            title={t('siteHost.register')}
            fields={[
              { name: 'name', label: t('common.name'), required: true },
              { name: 'address', label: t('siteHost.address'), required: true },
              {
                name: 'driver',
                label: t('siteHost.driver'),
                type: 'select',
                required: true,
                initial: 'local',
                options: (['local', 'ssh'] as const).map((d) => ({ value: d, label: t(`siteHost.drivers.${d}`) })),
              },
              { name: 'capacitySites', label: t('siteHost.capacitySites'), type: 'number', min: 1, required: true },
              { name: 'capacityDiskMb', label: t('siteHost.capacityDiskMb'), type: 'number', min: 1, required: true },
            ]}
            submit={(body) => ok(() => api.POST('/api/v1/site-hosts', { body }))}
            onDone={() => setVersion((v) => v + 1)}
          />
        )
      }
      filters={[{ name: 'name', label: t('common.name') }]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/site-hosts', {
            params: { query: { limit: q.limit, offset: q.offset, name: q.name as string | undefined } },
          }),
        )
      }
      columns={[
        { title: t('common.name'), dataIndex: 'name' },
        { title: t('siteHost.address'), dataIndex: 'address' },
        { title: t('siteHost.driver'), render: (_, h) => t(`siteHost.drivers.${h.driver}`) },
        { title: t('common.status'), render: (_, h) => <Status value={h.status} /> },
        {
          title: t('siteHost.sites'),
          render: (_, h) => (
            <>
              {t('siteHost.usedOf', { used: h.usedSites, total: h.capacitySites, free: h.freeSites })}
              <Progress size="small" percent={used(h.usedSites, h.capacitySites)} aria-label={t('siteHost.sites')} />
            </>
          ),
        },
        {
          title: t('siteHost.disk'),
          render: (_, h) => (
            <>
              {t('siteHost.usedOfMb', { used: h.usedDiskMb, total: h.capacityDiskMb, free: h.freeDiskMb })}
              <Progress size="small" percent={used(h.usedDiskMb, h.capacityDiskMb)} aria-label={t('siteHost.disk')} />
            </>
          ),
        },
        { title: t('order.created'), render: (_, h) => when(h.createdAt) },
      ]}
    />
  );
}
