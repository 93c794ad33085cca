// The audit log, newest first, with filters (actor, tenant, action or a prefix ending in *, result, target).
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { PagedTable } from '../../components/PagedTable';
import { Status, when } from '../../components/Status';

export function OmAudit() {
  const { t } = useTranslation();
  return (
    <PagedTable<Schemas['AuditEntry']>
      label={t('page.om.audit')}
      rowKey="id"
      filters={[
        { name: 'actorEmail', label: t('audit.actor') },
        { name: 'action', label: t('audit.action') },
        { name: 'tenantId', label: t('common.tenantId') },
        { name: 'targetId', label: t('audit.target') },
        {
          name: 'result',
          label: t('audit.result'),
          options: ['success', 'failure', 'denied'].map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/audit', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                actorEmail: q.actorEmail as string | undefined,
                action: q.action as string | undefined,
                tenantId: q.tenantId as string | undefined,
                targetId: q.targetId as string | undefined,
                result: q.result as 'success' | 'failure' | 'denied' | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('audit.at'), render: (_, a) => when(a.at) },
        { title: t('audit.actor'), render: (_, a) => a.actorEmail ?? '—' },
        { title: t('audit.action'), render: (_, a) => <Typography.Text code>{a.action}</Typography.Text> },
        { title: t('audit.target'), render: (_, a) => [a.targetType, a.targetId].filter(Boolean).join(' ') || '—' },
        { title: t('audit.result'), render: (_, a) => <Status value={a.result} /> },
        { title: t('audit.status'), dataIndex: 'statusCode' },
        { title: t('audit.ip'), dataIndex: 'clientIp' },
      ]}
    />
  );
}
