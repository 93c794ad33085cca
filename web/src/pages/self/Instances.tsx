// My instances (or every tenant's for staff), with their actions.
import { Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth';
import { useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { Status, when } from '../../components/Status';
import { href } from '../../router';
import { InstanceDetail } from './InstanceDetail';
import { resourceStatuses } from '../../components/ResourceTab';

type Instance = Schemas['OperateInstance'];
export type InstanceAction = Schemas['OperateInstanceActionRequest']['action'];

export function runAction(instanceId: string, body: Schemas['OperateInstanceActionRequest']) {
  return ok(() => api.POST('/api/v1/instances/{instanceId}/actions', { params: { path: { instanceId } }, body }));
}

export function InstancesTable({ face, withOwner }: { face: string; withOwner?: boolean }) {
  const { t } = useTranslation();
  const act = useAct();
  const { can } = useSession();
  const operate = can('own:resources:operate', 'resources:operate');
  return (
    <PagedTable<Instance>
      label={t('page.self.instances')}
      rowKey="id"
      refreshMs={5_000}
      filters={[
        {
          name: 'status',
          label: t('common.status'),
          options: resourceStatuses.map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
        ...(withOwner ? [{ name: 'tenantId', label: t('common.tenantId') }] : []),
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/instances', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                status: q.status as (typeof resourceStatuses)[number] | undefined,
                tenantId: q.tenantId as string | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('common.name'), render: (_, i) => <a href={href(face, 'instances', i.id)}>{i.name}</a> },
        ...(withOwner
          ? [{ title: t('common.tenantId'), render: (_: unknown, i: Instance) => i.tenantId.slice(0, 8) }]
          : []),
        { title: t('common.status'), render: (_, i) => <Status value={i.status} /> },
        { title: t('instance.osStatus'), render: (_, i) => <Status value={i.osStatus} /> },
        { title: t('instance.flavor'), render: (_, i) => `${i.vcpus ?? '?'} vCPU / ${i.ramMb ?? '?'} MB` },
        {
          title: t('instance.addresses'),
          render: (_, i) =>
            Object.values(i.addresses ?? {})
              .flat()
              .map((a) => (a as { addr?: string }).addr)
              .join(', '),
        },
        ...(withOwner ? [{ title: t('instance.host'), render: (_: unknown, i: Instance) => i.host ?? '—' }] : []),
        { title: t('order.created'), render: (_, i) => when(i.createdAt) },
        {
          title: t('common.actions'),
          render: (_, i) =>
            operate && i.status === 'active' ? (
              <Space>
                {(['start', 'stop', 'reboot'] as const)
                  .filter((a) => i.allowedActions.includes(a))
                  .map((a) => (
                    <Button
                      key={a}
                      size="small"
                      onClick={() => void act(() => runAction(i.id, { action: a }), t('instance.actionAccepted'))}
                    >
                      {t(`instance.action.${a}`)}
                    </Button>
                  ))}
              </Space>
            ) : null,
        },
      ]}
    />
  );
}

export function SelfInstances({ id }: { id?: string }) {
  return id ? <InstanceDetail id={id} face="self" /> : <InstancesTable face="self" />;
}
