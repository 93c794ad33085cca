// A button that asks for a reason (required or optional) before it acts.
import { Button, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAct } from './feedback';

export function ReasonButton({
  label,
  required,
  danger,
  run,
  id,
  primary,
}: {
  label: string;
  required?: boolean;
  danger?: boolean;
  primary?: boolean;
  id: string;
  run: (reason: string | undefined) => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const act = useAct();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reason?: string }>();
  return (
    <>
      <Button size="small" danger={danger} type={primary ? 'primary' : 'default'} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Modal
        open={open}
        title={label}
        okText={label}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger }}
        onCancel={() => setOpen(false)}
        onOk={() =>
          void form.validateFields().then(async (v) => {
            if ((await act(async () => (await run(v.reason || undefined)) ?? true)) !== undefined) {
              setOpen(false);
              form.resetFields();
            }
          })
        }
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="reason"
            label={required ? t('order.reason') : t('order.reasonOptional')}
            htmlFor={`${id}-reason`}
            rules={required ? [{ required: true, message: t('common.required') }] : []}
          >
            <Input.TextArea id={`${id}-reason`} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
