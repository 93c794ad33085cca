// The caller's profile, password and (for tenant admins) the tenant's members; deregistration.
import { Alert, Button, Card, Form, Input, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth';
import { CreateButton } from '../../components/CreateForm';
import { useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { Status } from '../../components/Status';

function Members({ tenantId }: { tenantId: string }) {
  const { t } = useTranslation();
  const act = useAct();
  const { me } = useSession();
  const [version, setVersion] = useState(0);
  return (
    <Card title={t('profile.members')}>
      <PagedTable<Schemas['User']>
        label={t('profile.members')}
        rowKey="id"
        version={version}
        toolbar={() => (
          <CreateButton<Schemas['MemberCreate']>
            id="member"
            title={t('profile.addMember')}
            fields={[
              { name: 'email', label: t('login.email'), required: true },
              { name: 'displayName', label: t('login.displayName'), required: true },
              { name: 'password', label: t('profile.initialPassword'), type: 'password', required: true },
              {
                name: 'role',
                label: t('profile.role'),
                type: 'select',
                options: [
                  { value: 'tenant_member', label: t('role.tenant_member') },
                  { value: 'tenant_admin', label: t('role.tenant_admin') },
                ],
                initial: 'tenant_member',
              },
            ]}
            submit={(body) =>
              ok(() => api.POST('/api/v1/tenants/{tenantId}/members', { params: { path: { tenantId } }, body }))
            }
            onDone={() => setVersion((v) => v + 1)}
          />
        )}
        load={(q) =>
          ok(() =>
            api.GET('/api/v1/tenants/{tenantId}/members', {
              params: { path: { tenantId }, query: { limit: q.limit, offset: q.offset } },
            }),
          )
        }
        columns={[
          { title: t('login.email'), dataIndex: 'email' },
          { title: t('login.displayName'), dataIndex: 'displayName' },
          { title: t('profile.role'), render: (_, u) => u.roles.map((r) => <Tag key={r}>{t(`role.${r}`)}</Tag>) },
          { title: t('common.status'), render: (_, u) => <Status value={u.status} /> },
          {
            title: t('common.actions'),
            render: (_, u) =>
              u.id !== me.id && u.status === 'active' ? (
                <Button
                  size="small"
                  danger
                  onClick={() =>
                    void act(async () => {
                      await ok(() =>
                        api.DELETE('/api/v1/tenants/{tenantId}/members/{userId}', {
                          params: { path: { tenantId, userId: u.id } },
                        }),
                      );
                      setVersion((v) => v + 1);
                    })
                  }
                >
                  {t('profile.remove')}
                </Button>
              ) : null,
          },
        ]}
      />
    </Card>
  );
}

/** The fields an operator can make required (setting profileRequiredFields). */
const profileFields: Schemas['ProfileField'][] = ['phone', 'department', 'companyName', 'companyAddress'];
const profileKeys = ['displayName', ...profileFields] as const;

/** A field cleared in the form is sent as null (an empty phone number is not a number). */
function profilePatch(v: Schemas['ProfilePatch']): Schemas['ProfilePatch'] {
  const out = { ...v };
  for (const k of profileFields) if (!out[k]?.trim() && k in out) out[k] = null;
  return out;
}

export function SelfProfile() {
  const { t } = useTranslation();
  const act = useAct();
  const { me, reloadMe, can, signOut } = useSession();
  const [pw] = Form.useForm();
  const required = new Set<string>(['displayName', ...me.profileRequired]);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Card title={t('profile.profile')}>
        {me.profileMissing.length > 0 && (
          <Alert
            type="warning"
            showIcon
            role="alert"
            style={{ marginBottom: 16, maxWidth: 480 }}
            title={t('profile.incomplete')}
            description={t('profile.missing', { fields: me.profileMissing.map((k) => t(`profile.${k}`)).join(', ') })}
          />
        )}
        <Form
          layout="vertical"
          aria-label={t('profile.profile')}
          initialValues={me}
          style={{ maxWidth: 480 }}
          onFinish={(v: Schemas['ProfilePatch']) =>
            void act(async () => {
              await ok(() => api.PATCH('/api/v1/auth/me', { body: profilePatch(v) }));
              await reloadMe();
            })
          }
        >
          {profileKeys.map((k) => (
            <Form.Item
              key={k}
              name={k}
              label={t(`profile.${k}`)}
              htmlFor={`profile-${k}`}
              rules={required.has(k) ? [{ required: true, whitespace: true, message: t('common.required') }] : []}
            >
              <Input id={`profile-${k}`} />
            </Form.Item>
          ))}
          <Form.Item label={t('profile.roles')}>
            {me.roles.map((r) => (
              <Tag key={r}>{t(`role.${r}`)}</Tag>
            ))}
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('common.save')}
          </Button>
        </Form>
      </Card>
      <Card title={t('profile.password')}>
        <Form
          form={pw}
          layout="vertical"
          aria-label={t('profile.password')}
          style={{ maxWidth: 480 }}
          onFinish={(v: Schemas['PasswordChange']) =>
            void act(async () => {
              await ok(() => api.POST('/api/v1/auth/password', { body: v }));
              pw.resetFields();
            }, t('profile.passwordChanged'))
          }
        >
          <Form.Item
            name="currentPassword"
            label={t('profile.currentPassword')}
            htmlFor="pw-current"
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Input.Password id="pw-current" autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label={t('profile.newPassword')}
            extra={t('login.passwordPolicy')}
            htmlFor="pw-new"
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Input.Password id="pw-new" autoComplete="new-password" />
          </Form.Item>
          <Button htmlType="submit">{t('profile.changePassword')}</Button>
        </Form>
      </Card>
      {me.tenantId && can('own:members:manage') && <Members tenantId={me.tenantId} />}
      {me.tenantId && (
        <Card title={t('profile.deregister')}>
          <CreateButton<Schemas['DeregisterRequest']>
            id="deregister"
            title={t('profile.deregister')}
            fields={[
              { name: 'password', label: t('profile.currentPassword'), type: 'password', required: true },
              { name: 'reason', label: t('order.reason'), type: 'textarea' },
            ]}
            submit={(body) => ok(() => api.POST('/api/v1/account/deregister', { body }))}
            onDone={signOut}
          />
        </Card>
      )}
    </Space>
  );
}
