// A site's FTP account (host, port, user) and a new password, shown once; no card when the site has no account.
import { Button, Card, Descriptions, Modal, Popconfirm, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { ErrorAlert, useAct } from '../../components/feedback';
import { when } from '../../components/Status';
import { useAsync } from '../../components/use-async';

type WithPassword = Schemas['SiteFtpAccountWithPassword'];

/** `operate`: the user may operate the site (the API sets a new password only for them). */
export function SiteFtp({ siteId, status, operate }: { siteId: string; status: string; operate: boolean }) {
  const { t } = useTranslation();
  const act = useAct();
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<WithPassword>();
  // The API answers 404 while the site has no FTP account (not yet provisioned, or removed).
  const ftp = useAsync(
    () =>
      ok(() => api.GET('/api/v1/sites/{siteId}/ftp', { params: { path: { siteId } } })).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
    [siteId, status],
  );
  const renew = async () => {
    setBusy(true);
    const r = await act(
      () => ok(() => api.POST('/api/v1/sites/{siteId}/ftp/password', { params: { path: { siteId } }, body: {} })),
      t('site.ftpPasswordSet'),
    ).finally(() => setBusy(false));
    if (r) setShown(r);
    await ftp.reload();
  };
  const a = ftp.data;
  if (!a) return <ErrorAlert error={ftp.error} />;
  return (
    <Card
      size="small"
      title={t('site.ftp')}
      extra={
        operate && (
          <Popconfirm
            title={t('site.ftpPasswordConfirm')}
            okText={t('common.yes')}
            cancelText={t('common.no')}
            disabled={busy}
            onConfirm={() => void renew()}
          >
            <Button size="small" disabled={busy}>
              {t('site.ftpNewPassword')}
            </Button>
          </Popconfirm>
        )
      }
    >
      <Descriptions size="small" column={2}>
        <Descriptions.Item label={t('site.ftpHost')}>
          <Typography.Text code>{a.host}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('site.ftpPort')}>{a.port}</Descriptions.Item>
        <Descriptions.Item label={t('database.username')}>
          <Typography.Text code>{a.username}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('site.ftpPasswordChanged')}>{when(a.passwordChangedAt)}</Descriptions.Item>
      </Descriptions>
      <Modal
        open={!!shown}
        title={t('site.ftpPasswordTitle')}
        okText={t('database.saved')}
        cancelButtonProps={{ style: { display: 'none' } }}
        closable={false}
        maskClosable={false}
        onOk={() => setShown(undefined)}
      >
        <Typography.Paragraph type="warning">{t('site.ftpPasswordOnce')}</Typography.Paragraph>
        <Typography.Paragraph>
          {t('site.ftpHost')}: <Typography.Text code>{`${shown?.host}:${shown?.port}`}</Typography.Text>{' '}
          {t('database.username')}: <Typography.Text code>{shown?.username}</Typography.Text>
        </Typography.Paragraph>
        <Typography.Paragraph copyable={{ text: shown?.password }} data-testid="ftp-password">
          {t('database.password')}: <Typography.Text code>{shown?.password}</Typography.Text>
        </Typography.Paragraph>
      </Modal>
    </Card>
  );
}
