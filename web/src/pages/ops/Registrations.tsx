// Registrations waiting for review (and decided ones), approved or rejected with a reason.
import { Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { PagedTable } from '../../components/PagedTable';
import { ReasonButton } from '../../components/ReasonButton';
import { Status, when } from '../../components/Status';

export function OpsRegistrations() {
  const { t } = useTranslation();
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return (
    <PagedTable<Schemas['RegistrationSummary']>
      label={t('page.ops.registrations')}
      rowKey="userId"
      version={version}
      refreshMs={5_000}
      filters={[
        {
          name: 'status',
          label: t('common.status'),
          options: ['pending', 'active', 'refused'].map((s) => ({ value: s, label: t(`status.${s}`) })),
        },
      ]}
      load={(q) =>
        ok(() =>
          api.GET('/api/v1/registrations', {
            params: {
              query: {
                limit: q.limit,
                offset: q.offset,
                status: q.status as 'pending' | 'active' | 'refused' | undefined,
              },
            },
          }),
        )
      }
      columns={[
        { title: t('login.tenantName'), dataIndex: 'tenantName' },
        { title: t('login.email'), dataIndex: 'email' },
        { title: t('login.displayName'), dataIndex: 'displayName' },
        { title: t('common.status'), render: (_, r) => <Status value={r.status} /> },
        { title: t('registration.requestedAt'), render: (_, r) => when(r.requestedAt) },
        {
          title: t('common.actions'),
          render: (_, r) =>
            r.status === 'pending' && (
              <Space>
                <ReasonButton
                  id={`approve-${r.userId}`}
                  primary
                  label={t('common.approve')}
                  run={(reason) =>
                    ok(() =>
                      api.POST('/api/v1/registrations/{userId}/approve', {
                        params: { path: { userId: r.userId } },
                        body: { reason },
                      }),
                    ).then(bump)
                  }
                />
                <ReasonButton
                  id={`reject-${r.userId}`}
                  danger
                  required
                  label={t('common.reject')}
                  run={(reason) =>
                    ok(() =>
                      api.POST('/api/v1/registrations/{userId}/reject', {
                        params: { path: { userId: r.userId } },
                        body: { reason: reason! },
                      }),
                    ).then(bump)
                  }
                />
              </Space>
            ),
        },
      ]}
    />
  );
}
