import { Button, Form, Input, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { useAsync } from '../../components/use-async';

/** The captcha, when the platform's setting asks for one: its image and an answer field (captchaId/captchaAnswer). */
export function CaptchaField({ form, idPrefix }: { form: ReturnType<typeof Form.useForm>[0]; idPrefix: string }) {
  const { t } = useTranslation();
  const { data, reload } = useAsync(async () => {
    const c = await ok(() => api.GET('/api/v1/auth/captcha'));
    form.setFieldValue('captchaId', c.captchaId);
    return c;
  }, []);
  if (!data?.required) return null;
  return (
    <>
      <Form.Item name="captchaId" hidden>
        <Input />
      </Form.Item>
      <Form.Item label={t('login.captcha')} htmlFor={`${idPrefix}-captcha`} required>
        <Space>
          {/* svg-captcha's markup, made by the API */}
          <span role="img" aria-label={t('login.captchaImage')} dangerouslySetInnerHTML={{ __html: data.svg }} />
          <Button onClick={() => void reload()}>{t('login.captchaNew')}</Button>
        </Space>
        <Form.Item name="captchaAnswer" noStyle rules={[{ required: true, message: t('common.required') }]}>
          <Input id={`${idPrefix}-captcha`} />
        </Form.Item>
      </Form.Item>
    </>
  );
}
