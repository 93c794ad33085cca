// One instance: its details, actions with their live progress, the VNC console link, activity and performance.
import {
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Steps,
  Table,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth';
import { CreateButton } from '../../components/CreateForm';
import { ErrorAlert, useAct } from '../../components/feedback';
import { MetricChart } from '../../components/MetricChart';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';
import { href } from '../../router';
import { runAction } from './Instances';

type Action = Schemas['OperateInstanceAction'];
/** Actions without a parameter, shown when the instance's state allows them. */
const simple = [
  'start',
  'stop',
  'reboot',
  'pause',
  'unpause',
  'suspend',
  'resume',
  'confirm_resize',
  'revert_resize',
  'rescue',
  'unrescue',
  'shelve',
  'unshelve',
] as const;

/** The server's figures now (monitoring), one line each. */
function CurrentFigures({ id }: { id: string }) {
  const { t } = useTranslation();
  const current = useAsync(
    () => ok(() => api.GET('/api/v1/monitoring/{type}/{id}/current', { params: { path: { type: 'server', id } } })),
    [id],
    15_000,
  );
  const values = Object.entries((current.data?.values ?? {}) as Record<string, unknown>);
  return (
    <Card size="small" title={t('monitoring.current')}>
      <ErrorAlert error={current.error} />
      <Descriptions size="small" column={3}>
        {values.map(([k, v]) => (
          <Descriptions.Item key={k} label={k}>
            {typeof v === 'object' && v ? String((v as { value?: unknown }).value ?? JSON.stringify(v)) : String(v)}
          </Descriptions.Item>
        ))}
      </Descriptions>
    </Card>
  );
}

/** Staff only: live-migrate the server (to a host, or where the policy picks) and limit its bandwidth. */
function StaffTools({ instanceId, serverId, host }: { instanceId: string; serverId: string; host: string | null }) {
  const { t } = useTranslation();
  const act = useAct();
  const hosts = useAsync(
    () => ok(() => api.GET('/api/v1/hosts', { params: { query: { limit: 200, offset: 0 } } })),
    [],
  );
  return (
    <Card size="small" title={t('instance.staffTools')}>
      <Space wrap>
        <CreateButton<{ targetHost?: string }>
          id="migrate"
          title={t('instance.migrate')}
          fields={[
            {
              name: 'targetHost',
              label: t('instance.targetHost'),
              type: 'select',
              options: (hosts.data?.items ?? [])
                .filter((h) => h.hostname !== host)
                .map((h) => ({ value: h.hostname, label: h.hostname })),
            },
          ]}
          submit={(v) =>
            ok(() =>
              api.POST('/api/v1/migrations', {
                body: { serverId, ...(v.targetHost ? { targetHost: v.targetHost } : {}) },
              }),
            )
          }
        />
        <CreateButton<Schemas['IsolationBandwidthLimit']>
          id="bandwidth"
          title={t('instance.bandwidthLimit')}
          fields={[
            { name: 'maxKbps', label: t('instance.maxKbps'), type: 'number', min: 1, required: true },
            {
              name: 'direction',
              label: t('network.direction'),
              type: 'select',
              initial: 'egress',
              options: ['egress', 'ingress'].map((d) => ({ value: d, label: t(`network.${d}`) })),
            },
          ]}
          submit={(body) =>
            ok(() =>
              api.PUT('/api/v1/isolation/servers/{resourceId}/bandwidth-limit', {
                params: { path: { resourceId: instanceId } },
                body,
              }),
            )
          }
        />
        <Button
          onClick={() =>
            void act(() =>
              ok(() =>
                api.DELETE('/api/v1/isolation/servers/{resourceId}/bandwidth-limit', {
                  params: { path: { resourceId: instanceId } },
                }),
              ),
            )
          }
        >
          {t('instance.removeLimit')}
        </Button>
      </Space>
    </Card>
  );
}

export function InstanceDetail({ id, face }: { id: string; face: string }) {
  const { t } = useTranslation();
  const act = useAct();
  const { can } = useSession();
  const operate = can('own:resources:operate', 'resources:operate');
  const inst = useAsync(
    () => ok(() => api.GET('/api/v1/instances/{instanceId}', { params: { path: { instanceId: id } } })),
    [id],
    3_000,
  );
  const actions = useAsync(
    () => ok(() => api.GET('/api/v1/instances/{instanceId}/actions', { params: { path: { instanceId: id } } })),
    [id],
    1_500,
  );
  const [console_, setConsole] = useState<string>();
  const [ask, setAsk] = useState<'snapshot' | 'set_password' | 'resize' | 'rebuild' | 'set_security_groups' | null>(
    null,
  );
  const [form] = Form.useForm<{ value: string | string[] }>();
  const flavors = useAsync(
    async () =>
      ask === 'resize'
        ? ok(() =>
            api.GET('/api/v1/catalog/products', { params: { query: { limit: 200, offset: 0, kind: 'flavor' } } }),
          )
        : undefined,
    [ask],
  );
  const images = useAsync(
    async () => (ask === 'rebuild' ? ok(() => api.GET('/api/v1/public-images')) : undefined),
    [ask],
  );
  const groups = useAsync(
    async () =>
      ask === 'set_security_groups'
        ? ok(() => api.GET('/api/v1/security-groups', { params: { query: { limit: 200, offset: 0 } } }))
        : undefined,
    [ask],
  );
  const i = inst.data;
  const allowed = new Set<string>(i?.allowedActions ?? []);
  const current = actions.data?.current as Action | null | undefined;
  const run = (body: Schemas['OperateInstanceActionRequest']) =>
    act(async () => {
      await runAction(id, body);
      await actions.reload();
    }, t('instance.actionAccepted'));

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <a href={href(face, 'instances')}>{t('common.backToList')}</a>
      <ErrorAlert error={inst.error} />
      {i && (
        <Card title={i.name}>
          <Descriptions size="small" column={3}>
            <Descriptions.Item label={t('common.status')}>
              <span data-testid="instance-status">
                <Status value={i.status} />
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('instance.osStatus')}>
              <span data-testid="instance-os-status">
                <Status value={i.osStatus} />
              </span>
            </Descriptions.Item>
            <Descriptions.Item
              label={t('instance.flavor')}
            >{`${i.vcpus ?? '?'} vCPU / ${i.ramMb ?? '?'} MB / ${i.diskGb ?? '?'} GB`}</Descriptions.Item>
            <Descriptions.Item label={t('instance.addresses')}>
              {Object.values(i.addresses ?? {})
                .flat()
                .map((a) => (a as { addr?: string }).addr)
                .join(', ') || '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('instance.host')}>{i.host ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('order.created')}>{when(i.createdAt)}</Descriptions.Item>
          </Descriptions>
          {operate && i.status === 'active' && (
            <Space wrap>
              {simple
                .filter((a) => allowed.has(a))
                .map((a) => (
                  <Button key={a} disabled={!!current} onClick={() => void run({ action: a })}>
                    {t(`instance.action.${a}`)}
                  </Button>
                ))}
              {(['snapshot', 'set_password', 'resize', 'rebuild', 'set_security_groups'] as const)
                .filter((a) => allowed.has(a))
                .map((a) => (
                  <Button key={a} disabled={!!current} onClick={() => setAsk(a)}>
                    {t(`instance.action.${a}`)}
                  </Button>
                ))}
              <Button
                onClick={() =>
                  void act(async () => {
                    const c = await ok(() =>
                      api.POST('/api/v1/instances/{instanceId}/console', {
                        params: { path: { instanceId: id } },
                        body: { type: 'novnc' },
                      }),
                    );
                    setConsole(c.url);
                  }, t('instance.consoleReady'))
                }
              >
                {t('instance.console')}
              </Button>
              <CreateButton<Schemas['BandwidthLimit']>
                id="instance-bandwidth"
                title={t('instance.bandwidth')}
                fields={[
                  { name: 'egressMbps', label: t('instance.egressMbps'), type: 'number', min: 1 },
                  { name: 'ingressMbps', label: t('instance.ingressMbps'), type: 'number', min: 1 },
                ]}
                submit={(body) =>
                  ok(() =>
                    api.PUT('/api/v1/bandwidth/instances/{instanceId}', { params: { path: { instanceId: id } }, body }),
                  )
                }
              />
              {allowed.has('delete') && (
                <Popconfirm
                  title={t('instance.deleteConfirm')}
                  okText={t('common.yes')}
                  cancelText={t('common.no')}
                  onConfirm={() => void run({ action: 'delete' })}
                >
                  <Button danger disabled={!!current}>
                    {t('instance.action.delete')}
                  </Button>
                </Popconfirm>
              )}
            </Space>
          )}
          {console_ && (
            <Typography.Paragraph style={{ marginTop: 12 }}>
              <a href={console_} target="_blank" rel="noreferrer" data-testid="console-link">
                {t('instance.openConsole')}
              </a>
            </Typography.Paragraph>
          )}
        </Card>
      )}
      {current && (
        <Card
          size="small"
          title={t('instance.running', { action: t(`instance.action.${current.action}`) })}
          aria-live="polite"
        >
          <Steps
            size="small"
            aria-label={t('instance.progress')}
            items={[
              ...current.steps
                .filter((s) => s.step !== current.step)
                .map((s) => ({ title: s.step, status: 'finish' as const, description: when(s.at) })),
              { title: current.step, status: 'process' as const },
            ]}
          />
          <Typography.Text>
            {t('instance.step')}: {current.step}
          </Typography.Text>
        </Card>
      )}
      <Card size="small" title={t('instance.activity')}>
        <ErrorAlert error={actions.error} />
        <Table<Action>
          aria-label={t('instance.activity')}
          size="small"
          rowKey="id"
          pagination={{ pageSize: 5 }}
          dataSource={actions.data?.history ?? []}
          locale={{ emptyText: t('common.empty') }}
          columns={[
            { title: t('instance.actionCol'), render: (_, a) => t(`instance.action.${a.action}`) },
            { title: t('common.status'), render: (_, a) => <Status value={a.status} /> },
            { title: t('instance.step'), dataIndex: 'step' },
            { title: t('instance.requestedAt'), render: (_, a) => when(a.requestedAt) },
            { title: t('instance.finishedAt'), render: (_, a) => when(a.finishedAt) },
            { title: t('order.error'), render: (_, a) => (a.error as { message?: string } | null)?.message ?? '' },
          ]}
        />
      </Card>
      {i?.openstackId && <CurrentFigures id={i.openstackId} />}
      {i?.openstackId && <MetricChart type="server" id={i.openstackId} />}
      {i?.openstackId && face === 'ops' && <StaffTools instanceId={id} serverId={i.openstackId} host={i.host} />}
      <Modal
        open={!!ask}
        title={ask ? t(`instance.action.${ask}`) : ''}
        okText={t('common.ok')}
        cancelText={t('common.cancel')}
        onCancel={() => setAsk(null)}
        onOk={() =>
          void form.validateFields().then(async (v) => {
            const body: Schemas['OperateInstanceActionRequest'] =
              ask === 'snapshot'
                ? { action: 'snapshot', name: v.value as string }
                : ask === 'set_password'
                  ? { action: 'set_password', password: v.value as string }
                  : ask === 'resize'
                    ? { action: 'resize', flavorId: v.value as string }
                    : ask === 'rebuild'
                      ? { action: 'rebuild', imageId: v.value as string }
                      : { action: 'set_security_groups', securityGroupIds: v.value as string[] };
            await run(body);
            setAsk(null);
            form.resetFields();
          })
        }
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="value"
            label={ask ? t(`instance.ask.${ask}`) : ''}
            htmlFor="instance-ask"
            rules={[{ required: true, message: t('common.required') }]}
          >
            {ask === 'set_password' ? (
              <Input.Password id="instance-ask" />
            ) : ask === 'resize' ? (
              <Select
                id="instance-ask"
                options={(flavors.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))}
              />
            ) : ask === 'rebuild' ? (
              <Select
                id="instance-ask"
                options={(images.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))}
              />
            ) : ask === 'set_security_groups' ? (
              <Select
                id="instance-ask"
                mode="multiple"
                options={(groups.data?.items ?? [])
                  .filter((g) => g.openstackId)
                  .map((g) => ({ value: g.openstackId!, label: g.name }))}
              />
            ) : (
              <Input id="instance-ask" />
            )}
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
