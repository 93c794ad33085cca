// The scheduling policy, a placement preview under it, and rebalance plans with their expected effect.
import { Button, Card, Descriptions, Form, InputNumber, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { ErrorAlert, useAct } from '../../components/feedback';
import { ReasonButton } from '../../components/ReasonButton';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';

const REBALANCE = 'cmp.rebalance';

function Rebalance() {
  const { t } = useTranslation();
  const act = useAct();
  const [id, setId] = useState<string | null>(localStorage.getItem(REBALANCE));
  const plan = useAsync(
    async () =>
      id
        ? ok(() => api.GET('/api/v1/scheduling/rebalances/{rebalanceId}', { params: { path: { rebalanceId: id } } }))
        : undefined,
    [id],
    2_000,
  );
  const p = plan.data;
  const path = { rebalanceId: id ?? '' };
  const effect = p?.effect as
    | {
        spreadBefore: number;
        spreadAfter: number;
        hostsInUseBefore: number;
        hostsInUseAfter: number;
        powerOffCandidates: string[];
      }
    | null
    | undefined;
  return (
    <Card title={t('scheduling.rebalance')}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Button
          type="primary"
          onClick={() =>
            void act(async () => {
              const r = await ok(() => api.POST('/api/v1/scheduling/rebalances', { body: {} }));
              localStorage.setItem(REBALANCE, r.id);
              setId(r.id);
            }, t('scheduling.planning'))
          }
        >
          {t('scheduling.plan')}
        </Button>
        <ErrorAlert error={plan.error} />
        {p && (
          <>
            <Descriptions size="small" column={3}>
              <Descriptions.Item label={t('scheduling.phase')}>
                <Status value={p.phase} />
              </Descriptions.Item>
              <Descriptions.Item label={t('scheduling.outcome')}>
                {p.outcome ? <Status value={p.outcome} /> : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('scheduling.strategy')}>
                {p.strategy ? t(`scheduling.${p.strategy}`) : '—'}
              </Descriptions.Item>
              {effect && (
                <>
                  <Descriptions.Item
                    label={t('scheduling.spread')}
                  >{`${effect.spreadBefore.toFixed(2)} → ${effect.spreadAfter.toFixed(2)}`}</Descriptions.Item>
                  <Descriptions.Item
                    label={t('scheduling.hostsInUse')}
                  >{`${effect.hostsInUseBefore} → ${effect.hostsInUseAfter}`}</Descriptions.Item>
                  <Descriptions.Item label={t('scheduling.powerOff')}>
                    {effect.powerOffCandidates.join(', ') || '—'}
                  </Descriptions.Item>
                </>
              )}
            </Descriptions>
            <Table<Schemas['SchedulingRebalanceMove']>
              aria-label={t('scheduling.moves')}
              size="small"
              rowKey="serverId"
              dataSource={p.moves}
              locale={{ emptyText: t('scheduling.noMoves') }}
              columns={[
                { title: t('scheduling.server'), dataIndex: 'serverName' },
                { title: t('scheduling.from'), dataIndex: 'from' },
                { title: t('scheduling.to'), dataIndex: 'to' },
                { title: t('common.status'), render: (_, m) => <Status value={m.status} /> },
                {
                  title: t('common.actions'),
                  render: (_, m) =>
                    p.phase === 'undoable' &&
                    m.status === 'done' && (
                      <Button
                        size="small"
                        onClick={() =>
                          void act(async () => {
                            await ok(() =>
                              api.POST('/api/v1/scheduling/rebalances/{rebalanceId}/undo', {
                                params: { path },
                                body: { serverId: m.serverId },
                              }),
                            );
                            await plan.reload();
                          })
                        }
                      >
                        {t('scheduling.undo')}
                      </Button>
                    ),
                },
              ]}
            />
            <Space>
              {p.phase === 'awaiting_approval' && (
                <>
                  <ReasonButton
                    id="rb-approve"
                    primary
                    label={t('common.approve')}
                    run={() =>
                      ok(() =>
                        api.POST('/api/v1/scheduling/rebalances/{rebalanceId}/approve', { params: { path } }),
                      ).then(plan.reload)
                    }
                  />
                  <ReasonButton
                    id="rb-reject"
                    danger
                    label={t('common.reject')}
                    run={(reason) =>
                      ok(() =>
                        api.POST('/api/v1/scheduling/rebalances/{rebalanceId}/reject', {
                          params: { path },
                          body: { reason },
                        }),
                      ).then(plan.reload)
                    }
                  />
                </>
              )}
              {p.phase === 'running' && (
                <Button
                  danger
                  onClick={() =>
                    void act(async () => {
                      await ok(() =>
                        api.POST('/api/v1/scheduling/rebalances/{rebalanceId}/cancel', { params: { path } }),
                      );
                      await plan.reload();
                    })
                  }
                >
                  {t('scheduling.cancel')}
                </Button>
              )}
            </Space>
          </>
        )}
      </Space>
    </Card>
  );
}

export function OpsScheduling() {
  const { t } = useTranslation();
  const act = useAct();
  const policy = useAsync(() => ok(() => api.GET('/api/v1/scheduling/policy')), []);
  const hosts = useAsync(
    () => ok(() => api.GET('/api/v1/hosts', { params: { query: { limit: 200, offset: 0 } } })),
    [],
  );
  const [placement, setPlacement] = useState<Schemas['SchedulingPlacement']>();
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Card title={t('scheduling.policy')}>
        <ErrorAlert error={policy.error} />
        {policy.data && (
          <Form
            layout="vertical"
            style={{ maxWidth: 520 }}
            aria-label={t('scheduling.policy')}
            initialValues={policy.data}
            onFinish={(v: Schemas['SchedulingPolicyUpdate']) =>
              void act(async () => {
                await ok(() => api.PUT('/api/v1/scheduling/policy', { body: v }));
                await policy.reload();
              })
            }
          >
            <Form.Item name="strategy" label={t('scheduling.strategy')} htmlFor="sp-strategy">
              <Select
                id="sp-strategy"
                options={['load_balancing', 'energy_saving'].map((s) => ({ value: s, label: t(`scheduling.${s}`) }))}
              />
            </Form.Item>
            <Form.Item name="reservedHosts" label={t('scheduling.reservedHosts')} htmlFor="sp-reserved">
              <Select
                id="sp-reserved"
                mode="multiple"
                options={(hosts.data?.items ?? []).map((h) => ({ value: h.hostname, label: h.hostname }))}
              />
            </Form.Item>
            <Form.Item name="cpuAllocationRatio" label={t('scheduling.cpuRatio')} htmlFor="sp-cpu">
              <InputNumber id="sp-cpu" min={0.1} max={64} step={0.5} />
            </Form.Item>
            <Form.Item name="ramAllocationRatio" label={t('scheduling.ramRatio')} htmlFor="sp-ram">
              <InputNumber id="sp-ram" min={0.1} max={16} step={0.1} />
            </Form.Item>
            <Typography.Paragraph type="secondary">
              {t('scheduling.updated', { at: when(policy.data.updatedAt) })}
            </Typography.Paragraph>
            <Button type="primary" htmlType="submit">
              {t('common.save')}
            </Button>
          </Form>
        )}
      </Card>
      <Card title={t('scheduling.placement')}>
        <Form
          layout="inline"
          aria-label={t('scheduling.placement')}
          onFinish={(v: Schemas['SchedulingPlacementRequest']) =>
            void act(async () => setPlacement(await ok(() => api.POST('/api/v1/scheduling/placement', { body: v }))))
          }
        >
          <Form.Item
            name="vcpus"
            label={t('catalog.vcpus')}
            htmlFor="pl-vcpus"
            rules={[{ required: true, message: t('common.required') }]}
          >
            <InputNumber id="pl-vcpus" min={1} />
          </Form.Item>
          <Form.Item
            name="memoryMb"
            label={t('catalog.ramMb')}
            htmlFor="pl-ram"
            rules={[{ required: true, message: t('common.required') }]}
          >
            <InputNumber id="pl-ram" min={1} />
          </Form.Item>
          <Button htmlType="submit">{t('scheduling.pick')}</Button>
        </Form>
        {placement && (
          <Typography.Paragraph style={{ marginTop: 12 }}>
            {t('scheduling.picked', { host: placement.host ?? t('scheduling.noRoom') })}
          </Typography.Paragraph>
        )}
      </Card>
      <Rebalance />
    </Space>
  );
}
