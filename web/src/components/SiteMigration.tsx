// A site's last migration to the dedicated tier: its state, order, window and failure; in the window (cut-over),
// rolling it back (the name goes back to the shared host) or confirming it (the shared site is removed now).
import { Alert, Button, Card, Descriptions, Popconfirm, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import type { Schemas } from '../api/types';
import { href } from '../router';
import { Status, when } from './Status';

type Migration = Schemas['SiteMigration'];

/** The states in which the site is held: no upload, publish or removal until the migration ends. */
export const migrating = (m: Migration | null | undefined): boolean =>
  !!m && ['provisioning', 'copying', 'cut-over'].includes(m.state);

/** `run` carries out an action (busy, message, reload); `operate`: the user may act on the site. */
export function SiteMigration({
  siteId,
  migration: m,
  operate,
  busy,
  run,
}: {
  siteId: string;
  migration: Migration;
  operate: boolean;
  busy: boolean;
  run: (work: () => Promise<unknown>, done?: string) => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const signal = (action: 'rollback' | 'confirm') =>
    run(
      () =>
        ok(() =>
          action === 'rollback'
            ? api.POST('/api/v1/sites/{siteId}/migration/rollback', { params: { path: { siteId } } })
            : api.POST('/api/v1/sites/{siteId}/migration/confirm', { params: { path: { siteId } } }),
        ),
      t(action === 'rollback' ? 'site.migration.rollingBack' : 'site.migration.confirmed'),
    );
  const inWindow = m.state === 'cut-over';
  return (
    <Card size="small" title={t('site.migration.title')}>
      <Descriptions size="small" column={2}>
        <Descriptions.Item label={t('common.status')}>
          <Status value={m.state} />
        </Descriptions.Item>
        <Descriptions.Item label={t('site.migration.orderOf')}>
          <a href={href('self', 'orders', m.orderId)}>{m.orderId}</a>
        </Descriptions.Item>
        <Descriptions.Item label={t('site.migration.startedAt')}>{when(m.startedAt)}</Descriptions.Item>
        <Descriptions.Item label={t('site.migration.windowEndsAt')}>{when(m.windowEndsAt)}</Descriptions.Item>
        <Descriptions.Item label={t('site.migration.endedAt')}>{when(m.endedAt)}</Descriptions.Item>
      </Descriptions>
      {m.failure && (
        <Alert type="error" showIcon role="alert" title={t('site.migration.failure')} description={m.failure} />
      )}
      {inWindow && (
        <Alert
          type="info"
          showIcon
          style={{ marginTop: 8 }}
          title={t('site.migration.inWindow', { when: when(m.windowEndsAt) })}
        />
      )}
      {inWindow && operate && (
        <Space style={{ marginTop: 8 }}>
          <Popconfirm
            title={t('site.migration.rollbackConfirm')}
            okText={t('common.yes')}
            cancelText={t('common.no')}
            disabled={busy}
            onConfirm={() => void signal('rollback')}
          >
            <Button danger disabled={busy}>
              {t('site.migration.rollback')}
            </Button>
          </Popconfirm>
          <Popconfirm
            title={t('site.migration.confirmConfirm')}
            okText={t('common.yes')}
            cancelText={t('common.no')}
            disabled={busy}
            onConfirm={() => void signal('confirm')}
          >
            <Button type="primary" disabled={busy}>
              {t('site.migration.confirm')}
            </Button>
          </Popconfirm>
        </Space>
      )}
    </Card>
  );
}
