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

export function ResourceTab(props: {
  id: string;
  label: string;
  load: (q: PageQuery) => Promise<{ items: Resource[]; total: number }>;
  remove?: (r: Resource) => Promise<unknown>;
  create?: { title: string; fields: Field[]; submit: (v: any) => Promise<unknown> };
  extraColumns?: Array<{ title: string; render: (r: Resource) => ReactNode }>;
  extraActions?: (r: Resource, reload: () => void) => ReactNode;
  withOwner?: boolean;
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
      filters={props.withOwner ? [{ name: 'tenantId', label: t('common.tenantId') }] : undefined}
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
