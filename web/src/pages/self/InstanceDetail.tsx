// One instance: its details, actions with their live progress, the VNC console link, activity and performance.
import { Button, Card, Descriptions, Form, Input, Modal, Popconfirm, Space, Steps, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth';
import { ErrorAlert, useAct } from '../../components/feedback';
import { MetricChart } from '../../components/MetricChart';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';
import { href } from '../../router';
import { runAction } from './Instances';

type Action = Schemas['OperateInstanceAction'];

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
  const [ask, setAsk] = useState<'snapshot' | 'set_password' | null>(null);
  const [form] = Form.useForm<{ value: string }>();
  const i = inst.data;
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
              {(['start', 'stop', 'reboot'] as const).map((a) => (
                <Button key={a} disabled={!!current} onClick={() => void run({ action: a })}>
                  {t(`instance.action.${a}`)}
                </Button>
              ))}
              <Button disabled={!!current} onClick={() => setAsk('snapshot')}>
                {t('instance.action.snapshot')}
              </Button>
              <Button disabled={!!current} onClick={() => setAsk('set_password')}>
                {t('instance.action.set_password')}
              </Button>
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
      {i?.openstackId && <MetricChart type="server" id={i.openstackId} />}
      <Modal
        open={!!ask}
        title={ask ? t(`instance.action.${ask}`) : ''}
        okText={t('common.ok')}
        cancelText={t('common.cancel')}
        onCancel={() => setAsk(null)}
        onOk={() =>
          void form.validateFields().then(async (v) => {
            await run(
              ask === 'snapshot'
                ? { action: 'snapshot', name: v.value }
                : { action: 'set_password', password: v.value },
            );
            setAsk(null);
            form.resetFields();
          })
        }
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="value"
            label={ask === 'snapshot' ? t('instance.snapshotName') : t('instance.newPassword')}
            htmlFor="instance-ask"
            rules={[{ required: true, message: t('common.required') }]}
          >
            {ask === 'set_password' ? <Input.Password id="instance-ask" /> : <Input id="instance-ask" />}
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
