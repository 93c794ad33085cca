// Networks, subnets, routers, floating IPs and security groups of the tenant (every tenant's for staff).
import { Button, Modal, Select, Table, Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { CreateButton } from '../../components/CreateForm';
import { useAct } from '../../components/feedback';
import { ResourceTab, resourceQuery } from '../../components/ResourceTab';
import { useAsync } from '../../components/use-async';

type Resource = Schemas['OperateResource'];
const attr = (r: Resource, k: string) => String((r.attributes as Record<string, unknown>)[k] ?? '—');

function Associate({ fip, done }: { fip: Resource; done: () => void }) {
  const { t } = useTranslation();
  const act = useAct();
  const [open, setOpen] = useState(false);
  const [instanceId, setInstanceId] = useState<string>();
  const instances = useAsync(
    async () =>
      open
        ? ok(() => api.GET('/api/v1/instances', { params: { query: { limit: 200, offset: 0, status: 'active' } } }))
        : undefined,
    [open],
  );
  const patch = (id: string | null) =>
    act(async () => {
      await ok(() =>
        api.PATCH('/api/v1/floating-ips/{floatingIpId}', {
          params: { path: { floatingIpId: fip.id } },
          body: { instanceId: id },
        }),
      );
      setOpen(false);
      done();
    });
  const bound = (fip.attributes as { portId?: string | null }).portId;
  return (
    <>
      {bound ? (
        <Button size="small" onClick={() => void patch(null)}>
          {t('network.disassociate')}
        </Button>
      ) : (
        <Button size="small" onClick={() => setOpen(true)}>
          {t('network.associate')}
        </Button>
      )}
      <Modal
        open={open}
        title={t('network.associate')}
        okText={t('common.ok')}
        cancelText={t('common.cancel')}
        onCancel={() => setOpen(false)}
        onOk={() => void patch(instanceId ?? null)}
      >
        <label htmlFor="fip-instance">{t('volume.instance')}</label>
        <Select
          id="fip-instance"
          style={{ width: '100%' }}
          value={instanceId}
          onChange={setInstanceId}
          options={(instances.data?.items ?? []).map((i) => ({ value: i.id, label: i.name }))}
        />
      </Modal>
    </>
  );
}

function Rename({ r, done, patch }: { r: Resource; done: () => void; patch: (name: string) => Promise<unknown> }) {
  const { t } = useTranslation();
  return (
    <CreateButton<{ name: string }>
      id={`rename-${r.id}`}
      title={t('network.rename')}
      fields={[{ name: 'name', label: t('common.name'), required: true, initial: r.name }]}
      submit={(v) => patch(v.name)}
      onDone={done}
    />
  );
}

function RouterInterfaces({
  router,
  subnets,
  done,
}: {
  router: Resource;
  subnets: Array<{ value: string; label: string }>;
  done: () => void;
}) {
  const { t } = useTranslation();
  const path = { routerId: router.id };
  return (
    <>
      <CreateButton<{ subnetId: string }>
        id={`rif-add-${router.id}`}
        title={t('network.addInterface')}
        fields={[{ name: 'subnetId', label: t('network.subnet'), type: 'select', required: true, options: subnets }]}
        submit={(body) => ok(() => api.POST('/api/v1/routers/{routerId}/interfaces', { params: { path }, body }))}
        onDone={done}
      />
      <CreateButton<{ subnetId: string }>
        id={`rif-del-${router.id}`}
        title={t('network.removeInterface')}
        fields={[{ name: 'subnetId', label: t('network.subnet'), type: 'select', required: true, options: subnets }]}
        submit={(v) =>
          ok(() =>
            api.DELETE('/api/v1/routers/{routerId}/interfaces/{subnetId}', {
              params: { path: { routerId: router.id, subnetId: v.subnetId } },
            }),
          )
        }
        onDone={done}
      />
    </>
  );
}

type Rule = {
  id: string;
  direction: string;
  protocol: string | null;
  portRangeMin: number | null;
  portRangeMax: number | null;
  remoteIpPrefix: string | null;
};

function SecurityGroupRules({ sg, done }: { sg: Resource; done: () => void }) {
  const { t } = useTranslation();
  const act = useAct();
  const [open, setOpen] = useState(false);
  const rules = ((sg.attributes as { rules?: Rule[] }).rules ?? []) as Rule[];
  const path = { securityGroupId: sg.id };
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        {t('network.rules')}
      </Button>
      <Modal
        open={open}
        width={720}
        title={t('network.rulesOf', { name: sg.name })}
        footer={null}
        onCancel={() => setOpen(false)}
      >
        <CreateButton<Schemas['OperateSecurityGroupRuleCreate']>
          id={`rule-${sg.id}`}
          title={t('network.addRule')}
          fields={[
            {
              name: 'direction',
              label: t('network.direction'),
              type: 'select',
              required: true,
              initial: 'ingress',
              options: ['ingress', 'egress'].map((d) => ({ value: d, label: t(`network.${d}`) })),
            },
            {
              name: 'protocol',
              label: t('network.protocol'),
              type: 'select',
              options: ['tcp', 'udp', 'icmp'].map((p) => ({ value: p, label: p.toUpperCase() })),
            },
            { name: 'portRangeMin', label: t('network.portMin'), type: 'number', min: 1 },
            { name: 'portRangeMax', label: t('network.portMax'), type: 'number', min: 1 },
            { name: 'remoteIpPrefix', label: t('network.remotePrefix') },
          ]}
          submit={(body) =>
            ok(() => api.POST('/api/v1/security-groups/{securityGroupId}/rules', { params: { path }, body }))
          }
          onDone={done}
        />
        <Table<Rule>
          aria-label={t('network.rulesOf', { name: sg.name })}
          size="small"
          rowKey="id"
          dataSource={rules}
          pagination={false}
          locale={{ emptyText: t('common.empty') }}
          columns={[
            {
              title: t('network.direction'),
              render: (_, r) => t(`network.${r.direction === 'egress' ? 'egress' : 'ingress'}`),
            },
            { title: t('network.protocol'), render: (_, r) => r.protocol ?? t('network.any') },
            {
              title: t('network.ports'),
              render: (_, r) =>
                r.portRangeMin ? `${r.portRangeMin}-${r.portRangeMax ?? r.portRangeMin}` : t('network.any'),
            },
            { title: t('network.remotePrefix'), render: (_, r) => r.remoteIpPrefix ?? t('network.any') },
            {
              title: t('common.actions'),
              render: (_, r) => (
                <Button
                  size="small"
                  danger
                  onClick={() =>
                    void act(() =>
                      ok(() =>
                        api.DELETE('/api/v1/security-groups/{securityGroupId}/rules/{ruleId}', {
                          params: { path: { securityGroupId: sg.id, ruleId: r.id } },
                        }),
                      ).then(done),
                    )
                  }
                >
                  {t('common.delete')}
                </Button>
              ),
            },
          ]}
        />
      </Modal>
    </>
  );
}

export function NetworkTabs({ withOwner }: { withOwner?: boolean }) {
  const { t } = useTranslation();
  const networks = useAsync(
    () => ok(() => api.GET('/api/v1/networks', { params: { query: { limit: 200, offset: 0 } } })),
    [],
  );
  const netOptions = (networks.data?.items ?? []).map((n) => ({ value: n.id, label: n.name }));
  const subnets = useAsync(
    () => ok(() => api.GET('/api/v1/subnets', { params: { query: { limit: 200, offset: 0 } } })),
    [],
  );
  const subnetOptions = (subnets.data?.items ?? []).map((n) => ({ value: n.id, label: n.name }));
  return (
    <Tabs
      items={[
        {
          key: 'networks',
          label: t('network.networks'),
          children: (
            <ResourceTab
              filterable
              id="network"
              withOwner={withOwner}
              label={t('network.networks')}
              load={(q) => ok(() => api.GET('/api/v1/networks', { params: { query: resourceQuery(q) } }))}
              remove={(r) =>
                ok(() => api.DELETE('/api/v1/networks/{networkId}', { params: { path: { networkId: r.id } } }))
              }
              extraActions={(r, reload) => (
                <Rename
                  r={r}
                  done={reload}
                  patch={(name) =>
                    ok(() =>
                      api.PATCH('/api/v1/networks/{networkId}', {
                        params: { path: { networkId: r.id } },
                        body: { name },
                      }),
                    )
                  }
                />
              )}
              create={{
                title: t('network.createNetwork'),
                fields: [{ name: 'name', label: t('common.name'), required: true }],
                submit: (body) => ok(() => api.POST('/api/v1/networks', { body })).then(networks.reload),
              }}
            />
          ),
        },
        {
          key: 'subnets',
          label: t('network.subnets'),
          children: (
            <ResourceTab
              filterable
              id="subnet"
              withOwner={withOwner}
              label={t('network.subnets')}
              load={(q) => ok(() => api.GET('/api/v1/subnets', { params: { query: resourceQuery(q) } }))}
              remove={(r) =>
                ok(() => api.DELETE('/api/v1/subnets/{subnetId}', { params: { path: { subnetId: r.id } } }))
              }
              extraColumns={[{ title: t('catalog.cidr'), render: (r) => attr(r, 'cidr') }]}
              extraActions={(r, reload) => (
                <Rename
                  r={r}
                  done={reload}
                  patch={(name) =>
                    ok(() =>
                      api.PATCH('/api/v1/subnets/{subnetId}', { params: { path: { subnetId: r.id } }, body: { name } }),
                    )
                  }
                />
              )}
              create={{
                title: t('network.createSubnet'),
                fields: [
                  { name: 'name', label: t('common.name'), required: true },
                  {
                    name: 'networkId',
                    label: t('catalog.network'),
                    type: 'select',
                    options: netOptions,
                    required: true,
                  },
                  { name: 'cidr', label: t('catalog.cidr'), required: true },
                ],
                submit: (body) => ok(() => api.POST('/api/v1/subnets', { body })),
              }}
            />
          ),
        },
        {
          key: 'routers',
          label: t('network.routers'),
          children: (
            <ResourceTab
              filterable
              id="router"
              withOwner={withOwner}
              label={t('network.routers')}
              load={(q) => ok(() => api.GET('/api/v1/routers', { params: { query: resourceQuery(q) } }))}
              remove={(r) =>
                ok(() => api.DELETE('/api/v1/routers/{routerId}', { params: { path: { routerId: r.id } } }))
              }
              extraActions={(r, reload) => (
                <>
                  <Rename
                    r={r}
                    done={reload}
                    patch={(name) =>
                      ok(() =>
                        api.PATCH('/api/v1/routers/{routerId}', {
                          params: { path: { routerId: r.id } },
                          body: { name },
                        }),
                      )
                    }
                  />
                  <RouterInterfaces router={r} subnets={subnetOptions} done={reload} />
                </>
              )}
              create={{
                title: t('network.createRouter'),
                fields: [{ name: 'name', label: t('common.name'), required: true }],
                submit: (body) => ok(() => api.POST('/api/v1/routers', { body })),
              }}
            />
          ),
        },
        {
          key: 'fips',
          label: t('network.floatingIps'),
          children: (
            <ResourceTab
              filterable
              id="fip"
              withOwner={withOwner}
              label={t('network.floatingIps')}
              load={(q) => ok(() => api.GET('/api/v1/floating-ips', { params: { query: resourceQuery(q) } }))}
              remove={(r) =>
                ok(() =>
                  api.DELETE('/api/v1/floating-ips/{floatingIpId}', { params: { path: { floatingIpId: r.id } } }),
                )
              }
              extraColumns={[{ title: t('network.address'), render: (r) => attr(r, 'address') }]}
              extraActions={(r, reload) => (
                <>
                  <Associate fip={r} done={reload} />
                  <CreateButton<Schemas['BandwidthLimit']>
                    id={`fip-bw-${r.id}`}
                    title={t('instance.bandwidth')}
                    fields={[
                      { name: 'egressMbps', label: t('instance.egressMbps'), type: 'number', min: 1 },
                      { name: 'ingressMbps', label: t('instance.ingressMbps'), type: 'number', min: 1 },
                    ]}
                    submit={(body) =>
                      ok(() =>
                        api.PUT('/api/v1/bandwidth/floating-ips/{floatingIpId}', {
                          params: { path: { floatingIpId: r.id } },
                          body,
                        }),
                      )
                    }
                    onDone={reload}
                  />
                </>
              )}
              create={{
                title: t('network.createFloatingIp'),
                fields: [],
                submit: () => ok(() => api.POST('/api/v1/floating-ips', { body: {} })),
              }}
            />
          ),
        },
        {
          key: 'sgs',
          label: t('network.securityGroups'),
          children: (
            <ResourceTab
              filterable
              id="sg"
              withOwner={withOwner}
              label={t('network.securityGroups')}
              load={(q) => ok(() => api.GET('/api/v1/security-groups', { params: { query: resourceQuery(q) } }))}
              remove={(r) =>
                ok(() =>
                  api.DELETE('/api/v1/security-groups/{securityGroupId}', {
                    params: { path: { securityGroupId: r.id } },
                  }),
                )
              }
              extraActions={(r, reload) => (
                <>
                  <Rename
                    r={r}
                    done={reload}
                    patch={(name) =>
                      ok(() =>
                        api.PATCH('/api/v1/security-groups/{securityGroupId}', {
                          params: { path: { securityGroupId: r.id } },
                          body: { name },
                        }),
                      )
                    }
                  />
                  <SecurityGroupRules sg={r} done={reload} />
                </>
              )}
              extraColumns={[
                {
                  title: t('network.rules'),
                  render: (r) => String(((r.attributes as { rules?: unknown[] }).rules ?? []).length),
                },
              ]}
              create={{
                title: t('network.createSecurityGroup'),
                fields: [{ name: 'name', label: t('common.name'), required: true }],
                submit: (body) => ok(() => api.POST('/api/v1/security-groups', { body })),
              }}
            />
          ),
        },
      ]}
    />
  );
}

export function SelfNetworks() {
  return <NetworkTabs />;
}
