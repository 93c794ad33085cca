// A small "create" form in a modal: one labelled input per field, the API's message on failure.
import { Button, DatePicker, Form, Input, InputNumber, Modal, Select, Switch } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useAct } from './feedback';

export interface Field {
  name: string;
  label: string;
  /** `dateRange` is a pair of days (antd's RangePicker: dayjs values; the caller turns them into instants). */
  type?: 'text' | 'number' | 'select' | 'password' | 'textarea' | 'switch' | 'multi' | 'dateRange';
  required?: boolean;
  options?: Array<{ value: string; label: string }>;
  min?: number;
  initial?: unknown;
  /** An input of the caller's own (it gets the field's value and onChange), labelled by the field's id. */
  render?: (id: string) => ReactNode;
}

export function CreateButton<T extends object>({
  title,
  fields,
  submit,
  onDone,
  id,
}: {
  title: string;
  fields: Field[];
  submit: (v: T) => Promise<unknown>;
  onDone?: () => unknown;
  id: string;
}) {
  const { t } = useTranslation();
  const act = useAct();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<T>();
  return (
    <>
      <Button type="primary" onClick={() => setOpen(true)}>
        {title}
      </Button>
      <Modal
        open={open}
        title={title}
        okText={t('common.ok')}
        cancelText={t('common.cancel')}
        onCancel={() => setOpen(false)}
        onOk={() =>
          void form.validateFields().then(async (v) => {
            const r = await act(async () => (await submit(v)) ?? true);
            if (r !== undefined) {
              setOpen(false);
              form.resetFields();
              await onDone?.();
            }
          })
        }
      >
        <Form
          form={form}
          layout="vertical"
          aria-label={title}
          initialValues={Object.fromEntries(
            fields.filter((f) => f.initial !== undefined).map((f) => [f.name, f.initial]),
          )}
        >
          {fields.map((f) => {
            const fid = `${id}-${f.name}`;
            const input = f.render ? (
              f.render(fid)
            ) : f.type === 'number' ? (
              <InputNumber id={fid} min={f.min} style={{ width: '100%' }} />
            ) : f.type === 'select' || f.type === 'multi' ? (
              <Select
                id={fid}
                options={f.options}
                mode={f.type === 'multi' ? 'multiple' : undefined}
                allowClear={!f.required}
              />
            ) : f.type === 'password' ? (
              <Input.Password id={fid} autoComplete="new-password" />
            ) : f.type === 'textarea' ? (
              <Input.TextArea id={fid} rows={4} />
            ) : f.type === 'switch' ? (
              <Switch id={fid} />
            ) : f.type === 'dateRange' ? (
              <DatePicker.RangePicker id={{ start: fid }} allowEmpty={[true, true]} style={{ width: '100%' }} />
            ) : (
              <Input id={fid} />
            );
            return (
              <Form.Item
                key={f.name}
                name={f.name}
                label={f.label}
                htmlFor={fid}
                valuePropName={f.type === 'switch' ? 'checked' : 'value'}
                rules={f.required ? [{ required: true, message: t('common.required') }] : []}
              >
                {input}
              </Form.Item>
            );
          })}
        </Form>
      </Modal>
    </>
  );
}
