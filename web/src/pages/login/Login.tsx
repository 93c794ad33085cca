// Unified sign-in for tenants and staff, self-registration of a tenant, and the password reset link.
import { Alert, Button, Card, Form, Input, Tabs, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok, tokens } from '../../api/client';
import { errorText } from '../../components/feedback';
import { LangSwitch } from '../../components/LangSwitch';
import { CaptchaField } from './Captcha';

interface Props {
  onSignedIn: () => Promise<void>;
}

function SignIn({ onSignedIn }: Props) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <Form
      form={form}
      layout="vertical"
      aria-label={t('login.signIn')}
      onFinish={async (v: { email: string; password: string; captchaId?: string; captchaAnswer?: string }) => {
        setBusy(true);
        try {
          tokens.set(await ok(() => api.POST('/api/v1/auth/login', { body: v })));
          setError(undefined);
          await onSignedIn();
        } catch (e) {
          setError(errorText(e));
        } finally {
          setBusy(false);
        }
      }}
    >
      <Form.Item
        name="email"
        label={t('login.email')}
        htmlFor="login-email"
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Input id="login-email" type="email" autoComplete="username" />
      </Form.Item>
      <Form.Item
        name="password"
        label={t('login.password')}
        htmlFor="login-password"
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Input.Password id="login-password" autoComplete="current-password" />
      </Form.Item>
      <CaptchaField form={form} idPrefix="login" />
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Button type="primary" htmlType="submit" loading={busy} block>
        {t('login.signIn')}
      </Button>
    </Form>
  );
}

function Register() {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [result, setResult] = useState<{ type: 'success' | 'error'; text: string }>();
  return (
    <Form
      form={form}
      layout="vertical"
      aria-label={t('login.register')}
      onFinish={async (v: {
        tenantName: string;
        displayName: string;
        email: string;
        password: string;
        phone?: string;
      }) => {
        try {
          const r = await ok(() => api.POST('/api/v1/auth/register', { body: v }));
          setResult({
            type: 'success',
            text:
              r.status === 'verification_sent'
                ? t('login.registeredCheckMail')
                : r.status === 'pending'
                  ? t('login.registeredPending')
                  : t('login.registeredActive'),
          });
          form.resetFields();
        } catch (e) {
          setResult({ type: 'error', text: errorText(e) });
        }
      }}
    >
      <Form.Item
        name="tenantName"
        label={t('login.tenantName')}
        htmlFor="reg-tenant"
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Input id="reg-tenant" />
      </Form.Item>
      <Form.Item
        name="displayName"
        label={t('login.displayName')}
        htmlFor="reg-name"
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Input id="reg-name" />
      </Form.Item>
      <Form.Item
        name="email"
        label={t('login.email')}
        htmlFor="reg-email"
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Input id="reg-email" type="email" autoComplete="email" />
      </Form.Item>
      <Form.Item name="phone" label={t('login.phone')} htmlFor="reg-phone">
        <Input id="reg-phone" autoComplete="tel" />
      </Form.Item>
      <Form.Item
        name="password"
        label={t('login.password')}
        extra={t('login.passwordPolicy')}
        htmlFor="reg-password"
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Input.Password id="reg-password" autoComplete="new-password" />
      </Form.Item>
      <CaptchaField form={form} idPrefix="reg" />
      {result && <Alert type={result.type} showIcon role="status" title={result.text} style={{ marginBottom: 16 }} />}
      <Button type="primary" htmlType="submit" block>
        {t('login.register')}
      </Button>
    </Form>
  );
}

/** The page the registration mail links to (#register?verify=…): completes the registration at once. */
function VerifyRegistration({ token }: { token: string }) {
  const { t } = useTranslation();
  const [result, setResult] = useState<{ type: 'success' | 'error' | 'info'; text: string }>({
    type: 'info',
    text: t('login.verifying'),
  });
  useEffect(() => {
    ok(() => api.POST('/api/v1/auth/register/verify', { body: { token } }))
      .then((r) => {
        setResult({
          type: 'success',
          text: r.status === 'pending' ? t('login.registeredPending') : t('login.registeredActive'),
        });
        history.replaceState(null, '', location.pathname);
      })
      .catch((e: unknown) => setResult({ type: 'error', text: errorText(e) }));
  }, [token, t]);
  return <Alert type={result.type} showIcon role="status" title={result.text} />;
}

function ForgotPassword() {
  const { t } = useTranslation();
  const [result, setResult] = useState<{ type: 'success' | 'error'; text: string }>();
  return (
    <Form
      layout="vertical"
      aria-label={t('login.forgot')}
      onFinish={async (v: { email: string }) => {
        try {
          await ok(() => api.POST('/api/v1/auth/password-reset', { body: v }));
          setResult({ type: 'success', text: t('login.resetSent') });
        } catch (e) {
          setResult({ type: 'error', text: errorText(e) });
        }
      }}
    >
      <Form.Item
        name="email"
        label={t('login.email')}
        htmlFor="reset-email"
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Input id="reset-email" type="email" />
      </Form.Item>
      {result && <Alert type={result.type} showIcon role="status" title={result.text} style={{ marginBottom: 16 }} />}
      <Button htmlType="submit" block>
        {t('login.sendReset')}
      </Button>
    </Form>
  );
}

/** The page the reset mail links to (#reset-password?token=…): a new password for the link's token. */
function ResetPassword({ token }: { token: string }) {
  const { t } = useTranslation();
  const [result, setResult] = useState<{ type: 'success' | 'error'; text: string }>();
  return (
    <Form
      layout="vertical"
      aria-label={t('login.resetTitle')}
      onFinish={async (v: { newPassword: string }) => {
        try {
          await ok(() =>
            api.POST('/api/v1/auth/password-reset/confirm', { body: { token, newPassword: v.newPassword } }),
          );
          setResult({ type: 'success', text: t('login.resetDone') });
          history.replaceState(null, '', location.pathname);
        } catch (e) {
          setResult({ type: 'error', text: errorText(e) });
        }
      }}
    >
      <Form.Item
        name="newPassword"
        label={t('profile.newPassword')}
        extra={t('login.passwordPolicy')}
        htmlFor="reset-new"
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Input.Password id="reset-new" autoComplete="new-password" />
      </Form.Item>
      {result && <Alert type={result.type} showIcon role="status" title={result.text} style={{ marginBottom: 16 }} />}
      <Button type="primary" htmlType="submit" block>
        {t('login.resetTitle')}
      </Button>
    </Form>
  );
}

export function Login({ onSignedIn }: Props) {
  const { t } = useTranslation();
  const resetToken = /^#reset-password\?token=([^&]+)/.exec(location.hash)?.[1];
  const verifyToken = /^#register\?verify=([^&]+)/.exec(location.hash)?.[1];
  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#eef2f8' }}>
      <Card style={{ width: 440 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('shell.title')}
          </Typography.Title>
          <LangSwitch />
        </div>
        <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
        <Tabs
          defaultActiveKey={
            resetToken ? 'reset' : verifyToken ? 'verify' : location.hash === '#forgot-password' ? 'forgot' : 'signin'
          }
          items={[
            ...(resetToken
              ? [{ key: 'reset', label: t('login.resetTitle'), children: <ResetPassword token={resetToken} /> }]
              : []),
            ...(verifyToken
              ? [
                  {
                    key: 'verify',
                    label: t('login.register'),
                    children: <VerifyRegistration token={decodeURIComponent(verifyToken)} />,
                  },
                ]
              : []),
            { key: 'signin', label: t('login.signIn'), children: <SignIn onSignedIn={onSignedIn} /> },
            { key: 'register', label: t('login.register'), children: <Register /> },
            { key: 'forgot', label: t('login.forgot'), children: <ForgotPassword /> },
          ]}
        />
      </Card>
    </main>
  );
}
