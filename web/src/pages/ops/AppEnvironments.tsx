// Application environment templates: their versions, making a new one (of a new name or the next of a name), retiring.
import { Button, Form, Input, Modal, Popconfirm, Space, Tag, Typography } from 'antd';
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

/** The cloud-init user data a dedicated server of this version boots with, for a host name (validated by the API). */
function PreviewUserData({ env }: { env: AppEnvironment }) {
  const { t } = useTranslation();
  const act = useAct();
  const [open, setOpen] = useState(false);
  const [hostname, setHostname] = useState(`${env.name}.example.com`);
  const [text, setText] = useState<string>();
  const render = () => {
    // The text shown is always the host name's in the field: none while it is rendered, none if it is refused.
    setText(undefined);
    void act(async () => {
      const r = await ok(() =>
        api.GET('/api/v1/app-environments/{environmentId}/user-data', {
          params: { path: { environmentId: env.id }, query: { hostname } },
        }),
      );
      setText(r.userData);
    }, t('appEnv.previewValid'));
  };
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        {t('appEnv.preview')}
      </Button>
      <Modal
        open={open}
        width={900}
        title={`${t('appEnv.preview')}: ${env.name} v${env.version}`}
        okText={t('appEnv.previewRender')}
        cancelText={t('common.cancel')}
        onCancel={() => setOpen(false)}
        onOk={render}
      >
        <Form layout="inline" onFinish={render}>
          <Form.Item label={t('appEnv.previewHostname')} htmlFor={`app-env-preview-${env.id}`}>
            <Input
              id={`app-env-preview-${env.id}`}
              value={hostname}
              onChange={(e) => {
                setHostname(e.target.value);
                setText(undefined);
              }}
            />
          </Form.Item>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          {t('appEnv.previewNote')}
        </Typography.Paragraph>
        {text && <pre style={{ maxHeight: 480, overflow: 'auto', fontSize: 12 }}>{text}</pre>}
      </Modal>
    </>
  );
}

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
          render: (_, e) => (
            <Space>
              {(manage || can('hosts:read')) && <PreviewUserData env={e} />}
              {manage && (
                <CreateButton<AppEnvironmentCreate>
                  id={`app-env-next-${e.id}`}
                  title={t('appEnv.newVersion')}
                  fields={fields(e)}
                  submit={submit}
                  onDone={bump}
                />
              )}
              {manage && e.status === 'active' && (
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
