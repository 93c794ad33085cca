// Messages to users: to one user, every user of a tenant, or everybody; with how many read each.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { CreateButton } from '../../components/CreateForm';
import { PagedTable } from '../../components/PagedTable';
import { when } from '../../components/Status';

export function OpsMessages() {
  const { t } = useTranslation();
  const [version, setVersion] = useState(0);
  return (
    <PagedTable<Schemas['StaffMessage']>
      label={t('page.ops.messages')}
      rowKey="id"
      version={version}
      toolbar={() => (
        <CreateButton<Schemas['StaffMessageCreate']>
          id="message"
          title={t('message.send')}
          fields={[
            {
              name: 'audience',
              label: t('message.audience'),
              type: 'select',
              required: true,
              initial: 'all',
              options: ['user', 'tenant', 'all'].map((a) => ({ value: a, label: t(`message.to.${a}`) })),
            },
            { name: 'userId', label: t('message.userId') },
            { name: 'tenantId', label: t('common.tenantId') },
            { name: 'title', label: t('inbox.title'), required: true },
            { name: 'body', label: t('inbox.body'), type: 'textarea', required: true },
          ]}
          submit={(body) => ok(() => api.POST('/api/v1/messages', { body }))}
          onDone={() => setVersion((v) => v + 1)}
        />
      )}
      filters={[
        {
          name: 'audience',
          label: t('message.audience'),
          options: ['user', 'tenant', 'all'].map((a) => ({ value: a, label: t(`message.to.${a}`) })),
        },
        { name: 'tenantId', label: t('common.tenantId') },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/messages', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                audience: q.audience as 'user' | 'tenant' | 'all' | undefined,
                tenantId: q.tenantId as string | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('inbox.title'), dataIndex: 'title' },
        { title: t('message.audience'), render: (_, m) => t(`message.to.${m.audience}`) },
        { title: t('message.sender'), dataIndex: 'senderEmail' },
        { title: t('message.readBy'), render: (_, m) => `${m.read} / ${m.recipients}` },
        { title: t('inbox.received'), render: (_, m) => when(m.createdAt) },
      ]}
    />
  );
}
