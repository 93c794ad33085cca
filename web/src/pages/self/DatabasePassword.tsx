// A database account's password: shown once (after create or change, never again), and changing it.
import { Button, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useAct } from '../../components/feedback';

export type WithPassword = Schemas['DatabaseWithPassword'];

export function PasswordOnce({ db, onClose }: { db?: WithPassword; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      open={!!db}
      title={t('database.passwordTitle', { name: db?.name ?? '' })}
      okText={t('database.saved')}
      cancelButtonProps={{ style: { display: 'none' } }}
      closable={false}
      maskClosable={false}
      onOk={onClose}
    >
      <Typography.Paragraph type="warning">{t('database.passwordOnce')}</Typography.Paragraph>
      <Typography.Paragraph>
        {t('database.connect')}: <Typography.Text code>{`${db?.host}:${db?.port}`}</Typography.Text>{' '}
        {t('database.database')}: <Typography.Text code>{db?.database}</Typography.Text> {t('database.username')}:{' '}
        <Typography.Text code>{db?.username}</Typography.Text>
      </Typography.Paragraph>
      <Typography.Paragraph copyable={{ text: db?.password }} data-testid="database-password">
        {t('database.password')}: <Typography.Text code>{db?.password}</Typography.Text>
      </Typography.Paragraph>
    </Modal>
  );
}

export function ChangePassword({
  databaseId,
  onChanged,
}: {
  databaseId: string;
  onChanged: (d: WithPassword) => void;
}) {
  const { t } = useTranslation();
  const act = useAct();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        {t('database.changePassword')}
      </Button>
      <Modal
        open={open}
        title={t('database.changePassword')}
        okText={t('common.ok')}
        cancelText={t('common.cancel')}
        onCancel={() => setOpen(false)}
        onOk={() =>
          void act(() =>
            ok(() =>
              api.POST('/api/v1/databases/{databaseId}/password', {
                params: { path: { databaseId } },
                body: password ? { password } : {},
              }),
            ),
          ).then((d) => {
            if (!d) return;
            setOpen(false);
            setPassword('');
            onChanged(d);
          })
        }
      >
        <label htmlFor={`new-password-${databaseId}`}>{t('database.newPassword')}</label>
        <Input.Password
          id={`new-password-${databaseId}`}
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Typography.Paragraph type="secondary">{t('database.drawnIfEmpty')}</Typography.Paragraph>
      </Modal>
    </>
  );
}
