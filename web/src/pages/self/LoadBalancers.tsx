// Load balancers (ordered from the catalog) and firewall policies: listeners, members, rules, protected servers.
import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { CreateButton } from '../../components/CreateForm';
import { ResourceTab, resourceQuery } from '../../components/ResourceTab';
import { useAsync } from '../../components/use-async';

type Resource = Schemas['OperateResource'];
type Listener = { id: string; protocol?: string; port?: number };
const listenersOf = (r: Resource) => ((r.attributes as { listeners?: Listener[] }).listeners ?? []) as Listener[];

function useInstanceOptions() {
  const instances = useAsync(
    () => ok(() => api.GET('/api/v1/instances', { params: { query: { limit: 200, offset: 0, status: 'active' } } })),
    [],
  );
  return (instances.data?.items ?? []).map((i) => ({ value: i.id, label: i.name }));
}

function LoadBalancers() {
  const { t } = useTranslation();
  const instances = useInstanceOptions();
  return (
    <ResourceTab
      id="lb"
      label={t('lb.loadBalancers')}
      filterable
      load={(q) => ok(() => api.GET('/api/v1/load-balancers', { params: { query: resourceQuery(q) } }))}
      remove={(r) =>
        ok(() => api.DELETE('/api/v1/load-balancers/{loadBalancerId}', { params: { path: { loadBalancerId: r.id } } }))
      }
      extraColumns={[
        { title: t('lb.vip'), render: (r) => String((r.attributes as { vipAddress?: string }).vipAddress ?? '—') },
        {
          title: t('lb.listeners'),
          render: (r) =>
            listenersOf(r)
              .map((l) => `${l.protocol ?? ''}:${l.port ?? ''}`)
              .join(', ') || '—',
        },
      ]}
      extraActions={(r, reload) => {
        const path = { loadBalancerId: r.id };
        const listenerOptions = listenersOf(r).map((l) => ({
          value: l.id,
          label: `${l.protocol ?? ''}:${l.port ?? ''}`,
        }));
        return (
          <>
            <CreateButton<{
              protocol: 'HTTP' | 'HTTPS' | 'TCP' | 'UDP';
              port: number;
              algorithm: 'ROUND_ROBIN' | 'LEAST_CONNECTIONS' | 'SOURCE_IP';
              memberPort: number;
              members?: string[];
            }>
              id={`lb-listener-${r.id}`}
              title={t('lb.addListener')}
              fields={[
                {
                  name: 'protocol',
                  label: t('network.protocol'),
                  type: 'select',
                  required: true,
                  initial: 'HTTP',
                  options: ['HTTP', 'HTTPS', 'TCP', 'UDP'].map((p) => ({ value: p, label: p })),
                },
                { name: 'port', label: t('lb.port'), type: 'number', min: 1, required: true, initial: 80 },
                {
                  name: 'algorithm',
                  label: t('lb.algorithm'),
                  type: 'select',
                  required: true,
                  initial: 'ROUND_ROBIN',
                  options: ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP'].map((p) => ({
                    value: p,
                    label: t(`lb.algorithms.${p}`),
                  })),
                },
                { name: 'memberPort', label: t('lb.memberPort'), type: 'number', min: 1, required: true, initial: 80 },
                { name: 'members', label: t('lb.members'), type: 'multi', options: instances },
              ]}
              submit={(v) =>
                ok(() =>
                  api.POST('/api/v1/load-balancers/{loadBalancerId}/listeners', {
                    params: { path },
                    body: {
                      protocol: v.protocol,
                      port: v.port,
                      pool: { algorithm: v.algorithm, memberPort: v.memberPort, members: v.members ?? [] },
                    },
                  }),
                )
              }
              onDone={reload}
            />
            <CreateButton<{ listenerId: string }>
              id={`lb-listener-del-${r.id}`}
              title={t('lb.removeListener')}
              fields={[
                {
                  name: 'listenerId',
                  label: t('lb.listener'),
                  type: 'select',
                  required: true,
                  options: listenerOptions,
                },
              ]}
              submit={(v) =>
                ok(() =>
                  api.DELETE('/api/v1/load-balancers/{loadBalancerId}/listeners/{listenerId}', {
                    params: { path: { ...path, listenerId: v.listenerId } },
                  }),
                )
              }
              onDone={reload}
            />
            <CreateButton<{ listenerId: string; instanceId: string; remove?: boolean }>
              id={`lb-member-${r.id}`}
              title={t('lb.member')}
              fields={[
                {
                  name: 'listenerId',
                  label: t('lb.listener'),
                  type: 'select',
                  required: true,
                  options: listenerOptions,
                },
                { name: 'instanceId', label: t('volume.instance'), type: 'select', required: true, options: instances },
                { name: 'remove', label: t('lb.removeMember'), type: 'switch', initial: false },
              ]}
              submit={(v) => {
                const p = { path: { ...path, listenerId: v.listenerId, instanceId: v.instanceId } };
                return v.remove
                  ? ok(() =>
                      api.DELETE(
                        '/api/v1/load-balancers/{loadBalancerId}/listeners/{listenerId}/members/{instanceId}',
                        { params: p },
                      ),
                    )
                  : ok(() =>
                      api.PUT('/api/v1/load-balancers/{loadBalancerId}/listeners/{listenerId}/members/{instanceId}', {
                        params: p,
                      }),
                    );
              }}
              onDone={reload}
            />
          </>
        );
      }}
    />
  );
}

type RuleForm = {
  name?: string;
  direction: 'ingress' | 'egress';
  protocol: 'tcp' | 'udp' | 'icmp' | 'any';
  portMin?: number;
  portMax?: number;
  remoteCidr?: string;
};
const ruleOf = (v: RuleForm): Schemas['FirewallRule'] => ({
  direction: v.direction,
  protocol: v.protocol,
  ...(v.portMin ? { portMin: v.portMin } : {}),
  ...(v.portMax ? { portMax: v.portMax } : {}),
  ...(v.remoteCidr ? { remoteCidr: v.remoteCidr } : {}),
});

function FirewallPolicies() {
  const { t } = useTranslation();
  const instances = useInstanceOptions();
  const ruleFields = [
    {
      name: 'direction',
      label: t('network.direction'),
      type: 'select' as const,
      required: true,
      initial: 'ingress',
      options: ['ingress', 'egress'].map((d) => ({ value: d, label: t(`network.${d}`) })),
    },
    {
      name: 'protocol',
      label: t('network.protocol'),
      type: 'select' as const,
      required: true,
      initial: 'tcp',
      options: ['tcp', 'udp', 'icmp', 'any'].map((p) => ({
        value: p,
        label: p === 'any' ? t('network.any') : p.toUpperCase(),
      })),
    },
    { name: 'portMin', label: t('network.portMin'), type: 'number' as const, min: 1 },
    { name: 'portMax', label: t('network.portMax'), type: 'number' as const, min: 1 },
    { name: 'remoteCidr', label: t('network.remotePrefix') },
  ];
  return (
    <ResourceTab
      id="fw"
      label={t('lb.firewalls')}
      filterable
      load={(q) => ok(() => api.GET('/api/v1/firewall-policies', { params: { query: resourceQuery(q) } }))}
      remove={(r) =>
        ok(() => api.DELETE('/api/v1/firewall-policies/{policyId}', { params: { path: { policyId: r.id } } }))
      }
      extraColumns={[
        {
          title: t('network.ruleCount'),
          render: (r) =>
            String(
              ((r.attributes as { rules?: unknown[] }).rules ?? (r.spec as { rules?: unknown[] }).rules ?? []).length,
            ),
        },
      ]}
      create={{
        title: t('lb.createFirewall'),
        fields: [{ name: 'name', label: t('common.name'), required: true }, ...ruleFields],
        submit: (v: RuleForm) =>
          ok(() => api.POST('/api/v1/firewall-policies', { body: { name: v.name!, rules: [ruleOf(v)] } })),
      }}
      extraActions={(r, reload) => {
        const path = { policyId: r.id };
        const rules = ((r.attributes as { rules?: Schemas['FirewallRule'][] }).rules ??
          (r.spec as { rules?: Schemas['FirewallRule'][] }).rules ??
          []) as Schemas['FirewallRule'][];
        return (
          <>
            <CreateButton<RuleForm>
              id={`fw-rule-${r.id}`}
              title={t('network.addRule')}
              fields={ruleFields}
              submit={(v) =>
                ok(() =>
                  api.PUT('/api/v1/firewall-policies/{policyId}/rules', {
                    params: { path },
                    body: { rules: [...rules, ruleOf(v)] },
                  }),
                )
              }
              onDone={reload}
            />
            <CreateButton<{ instanceId: string; remove?: boolean }>
              id={`fw-server-${r.id}`}
              title={t('lb.protect')}
              fields={[
                { name: 'instanceId', label: t('volume.instance'), type: 'select', required: true, options: instances },
                { name: 'remove', label: t('lb.unprotect'), type: 'switch', initial: false },
              ]}
              submit={(v) =>
                v.remove
                  ? ok(() =>
                      api.DELETE('/api/v1/firewall-policies/{policyId}/servers/{instanceId}', {
                        params: { path: { ...path, instanceId: v.instanceId } },
                      }),
                    )
                  : ok(() =>
                      api.PUT('/api/v1/firewall-policies/{policyId}/servers/{instanceId}', {
                        params: { path: { ...path, instanceId: v.instanceId } },
                      }),
                    )
              }
              onDone={reload}
            />
          </>
        );
      }}
    />
  );
}

export function SelfLoadBalancers() {
  const { t } = useTranslation();
  return (
    <Tabs
      items={[
        { key: 'lb', label: t('lb.loadBalancers'), children: <LoadBalancers /> },
        { key: 'fw', label: t('lb.firewalls'), children: <FirewallPolicies /> },
      ]}
    />
  );
}
