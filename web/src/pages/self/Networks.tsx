// Networks, subnets, routers, floating IPs and security groups of the tenant (every tenant's for staff).
import { Button, Modal, Select, Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useAct } from '../../components/feedback';
import type { PageQuery } from '../../components/PagedTable';
import { ResourceTab } from '../../components/ResourceTab';
import { useAsync } from '../../components/use-async';

type Resource = Schemas['OperateResource'];
const page = (q: PageQuery) => ({ limit: q.limit, offset: q.offset, tenantId: q.tenantId as string | undefined });
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

export function NetworkTabs({ withOwner }: { withOwner?: boolean }) {
  const { t } = useTranslation();
  const networks = useAsync(
    () => ok(() => api.GET('/api/v1/networks', { params: { query: { limit: 200, offset: 0 } } })),
    [],
  );
  const netOptions = (networks.data?.items ?? []).map((n) => ({ value: n.id, label: n.name }));
  return (
    <Tabs
      items={[
        {
          key: 'networks',
          label: t('network.networks'),
          children: (
            <ResourceTab
              id="network"
              withOwner={withOwner}
              label={t('network.networks')}
              load={(q) => ok(() => api.GET('/api/v1/networks', { params: { query: page(q) } }))}
              remove={(r) =>
                ok(() => api.DELETE('/api/v1/networks/{networkId}', { params: { path: { networkId: r.id } } }))
              }
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
              id="subnet"
              withOwner={withOwner}
              label={t('network.subnets')}
              load={(q) => ok(() => api.GET('/api/v1/subnets', { params: { query: page(q) } }))}
              remove={(r) =>
                ok(() => api.DELETE('/api/v1/subnets/{subnetId}', { params: { path: { subnetId: r.id } } }))
              }
              extraColumns={[{ title: t('catalog.cidr'), render: (r) => attr(r, 'cidr') }]}
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
              id="router"
              withOwner={withOwner}
              label={t('network.routers')}
              load={(q) => ok(() => api.GET('/api/v1/routers', { params: { query: page(q) } }))}
              remove={(r) =>
                ok(() => api.DELETE('/api/v1/routers/{routerId}', { params: { path: { routerId: r.id } } }))
              }
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
              id="fip"
              withOwner={withOwner}
              label={t('network.floatingIps')}
              load={(q) => ok(() => api.GET('/api/v1/floating-ips', { params: { query: page(q) } }))}
              remove={(r) =>
                ok(() =>
                  api.DELETE('/api/v1/floating-ips/{floatingIpId}', { params: { path: { floatingIpId: r.id } } }),
                )
              }
              extraColumns={[{ title: t('network.address'), render: (r) => attr(r, 'address') }]}
              extraActions={(r, reload) => <Associate fip={r} done={reload} />}
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
              id="sg"
              withOwner={withOwner}
              label={t('network.securityGroups')}
              load={(q) => ok(() => api.GET('/api/v1/security-groups', { params: { query: page(q) } }))}
              remove={(r) =>
                ok(() =>
                  api.DELETE('/api/v1/security-groups/{securityGroupId}', {
                    params: { path: { securityGroupId: r.id } },
                  }),
                )
              }
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
