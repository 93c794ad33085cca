// Drift: OpenStack objects in tenants' projects the platform has no record of; reconcile now.
import { Button } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { when } from '../../components/Status';

// The kinds the drift reconciler compares (domain/operate/drift.ts driftKinds).
const driftKinds = [
  'server',
  'volume',
  'snapshot',
  'network',
  'subnet',
  'router',
  'floating_ip',
  'security_group',
  'image',
] as const;

export function DriftFindings() {
  const { t } = useTranslation();
  const act = useAct();
  const [version, setVersion] = useState(0);
  return (
    <PagedTable<Schemas['OperateDriftFinding']>
      label={t('drift.findings')}
      rowKey="id"
      version={version}
      toolbar={() => (
        <Button
          onClick={() =>
            void act(
              () => ok(() => api.POST('/api/v1/admin/drift/run')).then(() => setVersion((v) => v + 1)),
              t('drift.started'),
            )
          }
        >
          {t('drift.run')}
        </Button>
      )}
      filters={[
        {
          name: 'resolved',
          label: t('common.status'),
          options: [
            { value: 'false', label: t('status.open') },
            { value: 'true', label: t('status.resolved') },
          ],
        },
        {
          name: 'kind',
          label: t('common.kind'),
          options: driftKinds.map((k) => ({ value: k, label: t(`kind.${k}`) })),
        },
        { name: 'tenantId', label: t('common.tenantId') },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/admin/drift/findings', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                resolved: q.resolved as 'true' | 'false' | undefined,
                kind: q.kind as string | undefined,
                tenantId: q.tenantId as string | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('common.kind'), render: (_, f) => t(`kind.${f.kind}`) },
        { title: t('common.name'), dataIndex: 'name' },
        { title: t('drift.openstackId'), dataIndex: 'openstackId' },
        { title: t('common.tenantId'), render: (_, f) => f.tenantId?.slice(0, 8) ?? '—' },
        { title: t('instance.osStatus'), dataIndex: 'osStatus' },
        { title: t('drift.firstSeen'), render: (_, f) => when(f.firstSeenAt) },
        { title: t('drift.lastSeen'), render: (_, f) => when(f.lastSeenAt) },
      ]}
    />
  );
}
