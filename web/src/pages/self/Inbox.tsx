// The caller's in-app messages: unread first in bold, read one or all.
import { Button, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { when } from '../../components/Status';

export function SelfInbox() {
  const { t } = useTranslation();
  const act = useAct();
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return (
    <PagedTable<Schemas['InboxMessage']>
      label={t('page.self.inbox')}
      rowKey="id"
      version={version}
      refreshMs={10_000}
      filters={[
        {
          name: 'unread',
          label: t('inbox.show'),
          options: [
            { value: 'true', label: t('inbox.unreadOnly') },
            { value: 'false', label: t('inbox.readOnly') },
          ],
        },
      ]}
      toolbar={() => (
        <Button
          onClick={() =>
            void act(async () => {
              await ok(() => api.POST('/api/v1/inbox/read-all'));
              bump();
            })
          }
        >
          {t('inbox.readAll')}
        </Button>
      )}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/inbox', {
            params: { query: { limit: q.limit, offset: q.offset, unread: q.unread as 'true' | 'false' | undefined } },
          }),
        )
      }
      columns={[
        { title: t('inbox.title'), render: (_, m) => <Typography.Text strong={!m.readAt}>{m.title}</Typography.Text> },
        { title: t('inbox.body'), dataIndex: 'body' },
        { title: t('inbox.received'), render: (_, m) => when(m.createdAt) },
        {
          title: t('common.actions'),
          render: (_, m) =>
            !m.readAt && (
              <Button
                size="small"
                onClick={() =>
                  void act(async () => {
                    await ok(() =>
                      api.POST('/api/v1/inbox/{messageId}/read', { params: { path: { messageId: m.id } } }),
                    );
                    bump();
                  })
                }
              >
                {t('inbox.markRead')}
              </Button>
            ),
        },
      ]}
    />
  );
}
