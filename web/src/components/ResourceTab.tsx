// A list of one kind of the tenant's cloud resources with create and delete.
import { Button, Popconfirm, Space } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../api/types';
import { useSession } from '../auth';
import { CreateButton, type Field } from './CreateForm';
import { useAct } from './feedback';
import { PagedTable, type PageQuery } from './PagedTable';
import { Status, when } from './Status';

type Resource = Schemas['OperateResource'];
/** The statuses the resource lists filter by (a deleted resource is listed by none). */
export const resourceStatuses = ['provisioning', 'active', 'error', 'deleting', 'missing'] as const;

/** A list's query with the name and status filters of a `filterable` tab, as its route takes them. */
export const resourceQuery = (q: PageQuery) => ({
  limit: q.limit,
  offset: q.offset,
  tenantId: q.tenantId as string | undefined,
  name: q.name as string | undefined,
  status: q.status as (typeof resourceStatuses)[number] | undefined,
});

export function ResourceTab(props: {
  id: string;
  label: string;
  load: (q: PageQuery) => Promise<{ items: Resource[]; total: number }>;
  remove?: (r: Resource) => Promise<unknown>;
  create?: { title: string; fields: Field[]; submit: (v: any) => Promise<unknown> };
  extraColumns?: Array<{ title: string; render: (r: Resource) => ReactNode }>;
  extraActions?: (r: Resource, reload: () => void) => ReactNode;
  withOwner?: boolean;
  /** Filters by part of the name and by status (the route takes name and status). */
  filterable?: boolean;
}) {
  const { t } = useTranslation();
  const act = useAct();
  const { can } = useSession();
  const operate = can('own:resources:operate', 'resources:operate');
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return (
    <PagedTable<Resource>
      label={props.label}
      rowKey="id"
      version={version}
      refreshMs={5_000}
      filters={[
        ...(props.filterable
          ? [
              { name: 'name', label: t('common.name') },
              {
                name: 'status',
                label: t('common.status'),
                options: resourceStatuses.map((s) => ({ value: s, label: t(`status.${s}`) })),
              },
            ]
          : []),
        ...(props.withOwner ? [{ name: 'tenantId', label: t('common.tenantId') }] : []),
      ]}
      toolbar={() =>
        operate && props.create && <CreateButton id={`${props.id}-create`} {...props.create} onDone={bump} />
      }
      load={props.load}
      columns={[
        { title: t('common.name'), dataIndex: 'name' },
        ...(props.withOwner
          ? [{ title: t('common.tenantId'), render: (_: unknown, r: Resource) => r.tenantId.slice(0, 8) }]
          : []),
        { title: t('common.status'), render: (_, r) => <Status value={r.status} /> },
        ...(props.extraColumns ?? []).map((c) => ({
          title: c.title,
          render: (_: unknown, r: Resource) => c.render(r),
        })),
        { title: t('order.created'), render: (_, r) => when(r.createdAt) },
        {
          title: t('common.actions'),
          render: (_, r) =>
            operate ? (
              <Space>
                {props.extraActions?.(r, bump)}
                {props.remove && r.status !== 'deleting' && (
                  <Popconfirm
                    title={t('common.deleteConfirm')}
                    okText={t('common.yes')}
                    cancelText={t('common.no')}
                    onConfirm={() =>
                      void act(async () => {
                        await props.remove!(r);
                        bump();
                      })
                    }
                  >
                    <Button size="small" danger>
                      {t('common.delete')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ) : null,
        },
      ]}
    />
  );
}
