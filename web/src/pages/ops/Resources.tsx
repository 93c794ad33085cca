// Every tenant's instances, volumes, networks with their owners; the cloud's public images.
import { Space, Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { CreateButton } from '../../components/CreateForm';
import { ResourceTab } from '../../components/ResourceTab';
import { DriftFindings } from './Drift';
import { InstanceDetail } from '../self/InstanceDetail';
import { PublicImages } from '../self/Images';
import { InstancesTable } from '../self/Instances';
import { NetworkTabs } from '../self/Networks';

function PublicImageAdmin() {
  const { t } = useTranslation();
  const [version, setVersion] = useState(0);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <CreateButton<Schemas['OperatePublicImageCreate']>
        id="public-image"
        title={t('image.register')}
        fields={[
          { name: 'name', label: t('common.name'), required: true },
          { name: 'url', label: t('image.url') },
          {
            name: 'diskFormat',
            label: t('image.format'),
            type: 'select',
            initial: 'qcow2',
            options: ['qcow2', 'raw', 'vmdk', 'vdi', 'iso', 'vhd'].map((f) => ({ value: f, label: f })),
          },
          {
            name: 'containerFormat',
            label: t('image.container'),
            type: 'select',
            initial: 'bare',
            options: ['bare', 'ovf', 'ova'].map((f) => ({ value: f, label: f })),
          },
        ]}
        submit={(body) => ok(() => api.POST('/api/v1/public-images', { body }))}
        onDone={() => setVersion((v) => v + 1)}
      />
      <PublicImages key={version} admin />
    </Space>
  );
}

export function OpsResources({ id }: { id?: string }) {
  const { t } = useTranslation();
  if (id) return <InstanceDetail id={id} face="ops" />;
  return (
    <Tabs
      items={[
        { key: 'instances', label: t('page.self.instances'), children: <InstancesTable face="ops" withOwner /> },
        {
          key: 'volumes',
          label: t('page.self.volumes'),
          children: (
            <ResourceTab
              id="ops-volume"
              withOwner
              label={t('page.self.volumes')}
              load={(q) =>
                ok(() =>
                  api.GET('/api/v1/volumes', {
                    params: { query: { limit: q.limit, offset: q.offset, tenantId: q.tenantId as string | undefined } },
                  }),
                )
              }
              remove={(r) =>
                ok(() => api.DELETE('/api/v1/volumes/{volumeId}', { params: { path: { volumeId: r.id } } }))
              }
            />
          ),
        },
        { key: 'networks', label: t('page.self.networks'), children: <NetworkTabs withOwner /> },
        { key: 'images', label: t('image.public'), children: <PublicImageAdmin /> },
        { key: 'drift', label: t('drift.findings'), children: <DriftFindings /> },
      ]}
    />
  );
}
