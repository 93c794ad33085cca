// Application environment templates: their versions, making a new one (of a new name or the next of a name), retiring.
import { Button, Popconfirm, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth';
import { CreateButton, type Field } from '../../components/CreateForm';
import { useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { Status } from '../../components/Status';

type AppEnvironment = Schemas['AppEnvironment'];
type AppEnvironmentCreate = Schemas['AppEnvironmentCreate'];

/** Modules PHP 8.2 from Debian offers (php -m), to pick from. */
const phpModules = [
  'bcmath',
  'curl',
  'exif',
  'fileinfo',
  'gd',
  'gettext',
  'intl',
  'mbstring',
  'mysqli',
  'opcache',
  'pdo_mysql',
  'soap',
  'sockets',
  'sodium',
  'xml',
  'zip',
];

export function OpsAppEnvironments() {
  const { t } = useTranslation();
  const { can } = useSession();
  const act = useAct();
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const manage = can('pool:manage');
  const fields = (from?: AppEnvironment): Field[] => [
    { name: 'name', label: t('common.name'), required: true, initial: from?.name },
    {
      name: 'webServer',
      label: t('appEnv.webServer'),
      type: 'select',
      required: true,
      initial: from?.webServer ?? 'nginx',
      options: (['nginx', 'apache'] as const).map((w) => ({ value: w, label: t(`appEnv.webServers.${w}`) })),
    },
    {
      name: 'phpVersion',
      label: t('appEnv.phpVersion'),
      type: 'select',
      required: true,
      initial: from?.phpVersion ?? '8.2',
      options: [{ value: '8.2', label: 'PHP 8.2' }],
    },
    {
      name: 'phpModules',
      label: t('appEnv.phpModules'),
      type: 'multi',
      initial: from?.phpModules ?? [],
      options: [...new Set([...phpModules, ...(from?.phpModules ?? [])])].map((m) => ({ value: m, label: m })),
    },
    { name: 'ftp', label: t('appEnv.ftp'), type: 'switch', initial: from?.ftp ?? true },
    { name: 'description', label: t('appEnv.description'), type: 'textarea', initial: from?.description ?? undefined },
  ];
  const submit = (body: AppEnvironmentCreate) =>
    ok(() => api.POST('/api/v1/app-environments', { body: { ...body, description: body.description || undefined } }));
  return (
    <PagedTable<AppEnvironment>
      label={t('page.ops.appenvironments')}
      rowKey="id"
      version={version}
      toolbar={() =>
        manage && (
          <CreateButton<AppEnvironmentCreate>
            id="app-env-create"
            title={t('appEnv.create')}
            fields={fields()}
            submit={submit}
            onDone={bump}
          />
        )
      }
      filters={[
        { name: 'name', label: t('common.name') },
        {
          name: 'status',
          label: t('common.status'),
          options: (['active', 'retired'] as const).map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/app-environments', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                name: q.name as string | undefined,
                status: q.status as 'active' | 'retired' | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('common.name'), dataIndex: 'name' },
        { title: t('appEnv.version'), render: (_, e) => `v${e.version}` },
        { title: t('appEnv.webServer'), render: (_, e) => t(`appEnv.webServers.${e.webServer}`) },
        { title: t('appEnv.phpVersion'), dataIndex: 'phpVersion' },
        {
          title: t('appEnv.phpModules'),
          render: (_, e) => (e.phpModules.length ? e.phpModules.map((m) => <Tag key={m}>{m}</Tag>) : '—'),
        },
        { title: t('appEnv.ftp'), render: (_, e) => (e.ftp ? t('common.yes') : t('common.no')) },
        { title: t('common.status'), render: (_, e) => <Status value={e.status} /> },
        { title: t('appEnv.sites'), render: (_, e) => e.sites ?? '—' },
        {
          title: t('common.actions'),
          render: (_, e) =>
            manage && (
              <Space>
                <CreateButton<AppEnvironmentCreate>
                  id={`app-env-next-${e.id}`}
                  title={t('appEnv.newVersion')}
                  fields={fields(e)}
                  submit={submit}
                  onDone={bump}
                />
                {e.status === 'active' && (
                  <Popconfirm
                    title={t('appEnv.retireConfirm')}
                    okText={t('common.yes')}
                    cancelText={t('common.no')}
                    onConfirm={() =>
                      void act(async () => {
                        await ok(() =>
                          api.POST('/api/v1/app-environments/{environmentId}/retire', {
                            params: { path: { environmentId: e.id } },
                          }),
                        );
                        bump();
                      })
                    }
                  >
                    <Button size="small" danger>
                      {t('appEnv.retire')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
        },
      ]}
    />
  );
}
