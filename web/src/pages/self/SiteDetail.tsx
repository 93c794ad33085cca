// One site: its state and health, its tier (a dedicated site's servers and load balancer), its migration to the
// dedicated tier, its FTP account, code package upload, and its releases with publish and rollback (each health-checked).
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Space,
  Table,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../auth';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { bytes } from '../../components/bytes';
import { DedicatedSiteInfo } from '../../components/DedicatedSiteInfo';
import { ErrorAlert, useAct } from '../../components/feedback';
import { SiteMigrateButton } from '../../components/SiteMigrateButton';
import { migrating, SiteMigration } from '../../components/SiteMigration';
import { Status, when } from '../../components/Status';
import { useAsync } from '../../components/use-async';
import { href } from '../../router';
import { SiteFtp } from './SiteFtp';

type Health = Schemas['SiteHealthCheck'];

/** The package's own type, so the API unpacks it as what it is. */
function packageType(f: File): string {
  if (/\.zip$/i.test(f.name)) return 'application/zip';
  if (/\.(tar\.gz|tgz)$/i.test(f.name)) return 'application/gzip';
  return 'application/octet-stream';
}

export function SiteDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const order = can('own:orders:create');
  const operate = can('own:resources:operate', 'resources:operate');
  const act = useAct();
  const [busy, setBusy] = useState(false);
  const [health, setHealth] = useState<Partial<Health>>({});
  const site = useAsync(
    () => ok(() => api.GET('/api/v1/sites/{siteId}', { params: { path: { siteId: id } } })),
    [id],
    4_000,
  );
  const run = async (work: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    await act(work, done).finally(() => setBusy(false));
    await site.reload();
  };
  // Left empty, the API checks / for a 200.
  const check = Object.keys(health).length
    ? {
        health: {
          path: health.path ?? '/',
          status: health.status ?? 200,
          ...(health.text ? { text: health.text } : {}),
        },
      }
    : {};
  const upload = (file: File) =>
    run(
      () =>
        ok(() =>
          api.POST('/api/v1/sites/{siteId}/releases', {
            params: { path: { siteId: id } },
            body: file as unknown as string,
            bodySerializer: (b: unknown) => b as string,
            headers: { 'content-type': packageType(file) },
          }),
        ),
      t('site.uploaded'),
    );
  const publish = (release: number) =>
    run(
      () =>
        ok(() =>
          api.POST('/api/v1/sites/{siteId}/releases/{release}/publish', {
            params: { path: { siteId: id, release } },
            body: check,
          }),
        ),
      t('site.published'),
    );
  const rollback = () =>
    run(
      () => ok(() => api.POST('/api/v1/sites/{siteId}/rollback', { params: { path: { siteId: id } }, body: check })),
      t('site.rolledBack'),
    );
  const s = site.data;
  if (!s) return <ErrorAlert error={site.error} />;
  // The API lets the tenant's operators (own:resources:operate) and platform operators upload, publish and remove.
  const up = s.status === 'ready' || s.status === 'live';
  // During a migration (and its window) the API refuses uploads, publishes and removal.
  const held = migrating(s.migration);
  const operable = operate && up && !held;
  const removable = operate && ['ready', 'live', 'failed'].includes(s.status) && !held;
  const movable = order && s.tier === 'shared' && up && !held;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <a href={href('self', 'sites')}>{t('site.back')}</a>
      <Descriptions bordered size="small" column={2} title={s.name}>
        <Descriptions.Item label={t('common.status')}>
          <Status value={s.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t('site.tier')}>{t(`site.tiers.${s.tier}`)}</Descriptions.Item>
        <Descriptions.Item label={t('site.url')}>
          {s.url ? (
            <Typography.Link href={s.url} target="_blank" rel="noreferrer">
              {s.url}
            </Typography.Link>
          ) : (
            '—'
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('site.liveRelease')}>{s.liveRelease ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('site.hostname')}>{s.hostname}</Descriptions.Item>
        <Descriptions.Item label={t('site.diskMb')}>{s.diskMb}</Descriptions.Item>
        <Descriptions.Item label={t('site.php')}>{s.phpVersion}</Descriptions.Item>
        <Descriptions.Item label={t('appEnv.ofSite')}>
          {s.environment ? `${s.environment.name ?? s.environment.id} v${s.environment.version ?? '?'}` : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('site.health')}>{s.health ? <Status value={s.health} /> : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('site.healthCheckedAt')}>
          {s.healthCheckedAt ? when(s.healthCheckedAt) : '—'}
        </Descriptions.Item>
      </Descriptions>
      {s.health === 'unhealthy' && (
        <Alert type="error" showIcon role="alert" title={t('site.unhealthy')} description={s.healthProblem} />
      )}
      {s.failure && <Alert type="warning" showIcon role="alert" title={t('site.health')} description={s.failure} />}
      {s.dedicated && <DedicatedSiteInfo dedicated={s.dedicated} />}
      {s.migration && <SiteMigration siteId={id} migration={s.migration} operate={operate} busy={busy} run={run} />}
      <SiteFtp siteId={id} status={s.status} operate={operable} />
      <Card size="small" title={t('site.healthCheck')}>
        <Form
          layout="inline"
          aria-label={t('site.healthCheck')}
          onValuesChange={(_, v: Partial<Health>) =>
            setHealth(
              Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== '')) as Partial<Health>,
            )
          }
        >
          <Form.Item name="path" label={t('site.checkPath')} htmlFor="health-path">
            <Input id="health-path" placeholder="/" />
          </Form.Item>
          <Form.Item name="status" label={t('site.checkStatus')} htmlFor="health-status">
            <InputNumber id="health-status" min={100} max={599} placeholder="200" />
          </Form.Item>
          <Form.Item name="text" label={t('site.checkText')} htmlFor="health-text">
            <Input id="health-text" />
          </Form.Item>
        </Form>
      </Card>
      {held && (
        <Alert
          type="warning"
          showIcon
          title={t(s.migration?.state === 'cut-over' ? 'site.migration.heldInWindow' : 'site.migration.held')}
        />
      )}
      <Space>
        {operate && (
          <Upload
            accept=".zip,.tar.gz,.tgz"
            showUploadList={false}
            disabled={!operable || busy}
            beforeUpload={(f) => {
              void upload(f);
              return false;
            }}
          >
            <Button type="primary" disabled={!operable || busy}>
              {t('site.upload')}
            </Button>
          </Upload>
        )}
        {operate && (
          <Popconfirm
            title={t('site.rollbackConfirm')}
            okText={t('common.yes')}
            cancelText={t('common.no')}
            disabled={s.liveRelease == null || busy || held}
            onConfirm={() => void rollback()}
          >
            <Button disabled={s.liveRelease == null || busy || held}>{t('site.rollback')}</Button>
          </Popconfirm>
        )}
        {movable && <SiteMigrateButton siteId={id} disabled={busy} ordered={site.reload} />}
        {removable && (
          <Popconfirm
            title={t('site.removeConfirm')}
            okText={t('common.yes')}
            cancelText={t('common.no')}
            disabled={busy}
            onConfirm={() =>
              void run(
                () => ok(() => api.DELETE('/api/v1/sites/{siteId}', { params: { path: { siteId: id } } })),
                t('site.removed'),
              )
            }
          >
            <Button danger disabled={busy}>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        )}
      </Space>
      <Table<Schemas['SiteRelease']>
        aria-label={t('site.releases')}
        rowKey="number"
        size="small"
        loading={busy}
        pagination={false}
        dataSource={[...s.releases].reverse()}
        columns={[
          { title: t('site.release'), dataIndex: 'number' },
          { title: t('site.size'), render: (_, r) => bytes(r.sizeBytes) },
          { title: t('site.entries'), dataIndex: 'entries' },
          { title: t('order.created'), render: (_, r) => when(r.createdAt) },
          { title: t('site.publishedAt'), render: (_, r) => when(r.publishedAt) },
          {
            title: t('common.actions'),
            render: (_, r) =>
              r.number === s.liveRelease ? (
                <Status value="live" />
              ) : !operate ? null : (
                <Button size="small" disabled={!operable || busy} onClick={() => void publish(r.number)}>
                  {t('site.publish')}
                </Button>
              ),
          },
        ]}
      />
    </Space>
  );
}
