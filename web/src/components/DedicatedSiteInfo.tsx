// What a dedicated site was ordered with and what the cloud holds of it (its web servers, load balancer, address, volume).
import { Card, Descriptions, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../api/types';
import { flavorLabel, useFlavors } from './DedicatedSiteFields';

export function DedicatedSiteInfo({ dedicated: d }: { dedicated: Schemas['DedicatedSite'] }) {
  const { t } = useTranslation();
  const flavors = useFlavors();
  const flavor = flavors.data?.find((f) => f.id === d.flavorId);
  const dep = d.deployment;
  const code = (v: string | null | undefined) => (v ? <Typography.Text code>{v}</Typography.Text> : '—');
  return (
    <Card size="small" title={t('site.dedicated.title')}>
      <Descriptions size="small" bordered column={2}>
        <Descriptions.Item label={t('site.dedicated.serverCount')}>{d.servers}</Descriptions.Item>
        <Descriptions.Item label={t('site.dedicated.flavor')}>
          {flavor ? flavorLabel(flavor) : d.flavorId}
        </Descriptions.Item>
        <Descriptions.Item label={t('site.dedicated.image')}>{code(d.imageId)}</Descriptions.Item>
        <Descriptions.Item label={t('site.dedicated.volumeGb')}>{d.volumeGb}</Descriptions.Item>
        <Descriptions.Item label={t('site.dedicated.connectionLimit')}>
          {d.connectionLimit ?? t('site.dedicated.unlimited')}
        </Descriptions.Item>
        <Descriptions.Item label={t('site.dedicated.bandwidthMbps')}>
          {d.bandwidthMbps ?? t('site.dedicated.noLimit')}
        </Descriptions.Item>
        <Descriptions.Item label={t('site.dedicated.backup')} span={2}>
          {t('site.dedicated.backupEvery', { hours: d.backup.intervalHours, keep: d.backup.keep })}
        </Descriptions.Item>
        {!dep ? (
          <Descriptions.Item label={t('site.dedicated.deployment')} span={2}>
            {t('site.dedicated.notBuilt')}
          </Descriptions.Item>
        ) : (
          <>
            <Descriptions.Item label={t('site.dedicated.webServers')} span={2}>
              {dep.servers.length
                ? dep.servers.map((s) => (
                    <div key={s.serverId}>
                      {code(s.serverId)} {code(s.fixedIp)}
                    </div>
                  ))
                : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('site.dedicated.loadBalancer')}>{code(dep.loadBalancerId)}</Descriptions.Item>
            <Descriptions.Item label={t('site.dedicated.listener')}>{code(dep.listenerId)}</Descriptions.Item>
            <Descriptions.Item label={t('site.dedicated.floatingIp')}>{code(dep.floatingIp)}</Descriptions.Item>
            <Descriptions.Item label={t('site.dedicated.volume')}>{code(dep.volumeId)}</Descriptions.Item>
            <Descriptions.Item label={t('site.dedicated.securityGroups')} span={2}>
              {dep.securityGroupIds.length ? dep.securityGroupIds.map((g) => <div key={g}>{code(g)}</div>) : '—'}
            </Descriptions.Item>
          </>
        )}
      </Descriptions>
    </Card>
  );
}
