// Ordering a shared site's move to the dedicated tier: its dedicated settings and the rollback window; the order it
// makes then waits for approval like any order.
import { Alert, Button, Form, Input, InputNumber, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import { href } from '../router';
import { DedicatedSiteFields, dedicatedBody, dedicatedDefaults, type DedicatedSettings } from './DedicatedSiteFields';
import { useAct } from './feedback';

interface Values {
  dedicated: Partial<DedicatedSettings>;
  windowMinutes: number;
  note?: string;
}

const id = 'site-migrate';

export function SiteMigrateButton({
  siteId,
  disabled,
  ordered,
}: {
  siteId: string;
  disabled?: boolean;
  ordered?: () => unknown;
}) {
  const { t } = useTranslation();
  const act = useAct();
  const [open, setOpen] = useState(false);
  const [orderId, setOrderId] = useState<string>();
  const [form] = Form.useForm<Values>();
  const close = () => {
    setOpen(false);
    setOrderId(undefined);
    form.resetFields();
  };
  const submit = async (v: Values) => {
    const r = await act(
      () =>
        ok(() =>
          api.POST('/api/v1/sites/{siteId}/migrate', {
            params: { path: { siteId } },
            body: {
              dedicated: dedicatedBody(v.dedicated),
              windowMinutes: v.windowMinutes,
              ...(v.note ? { note: v.note } : {}),
            },
          }),
        ),
      t('site.migration.ordered'),
    );
    if (!r) return;
    setOrderId(r.orderId);
    await ordered?.();
  };
  return (
    <>
      <Button disabled={disabled} onClick={() => setOpen(true)}>
        {t('site.migration.action')}
      </Button>
      <Modal
        open={open}
        title={t('site.migration.action')}
        okText={t('common.ok')}
        cancelText={t('common.cancel')}
        cancelButtonProps={orderId ? { style: { display: 'none' } } : undefined}
        onCancel={close}
        onOk={() => (orderId ? close() : void form.validateFields().then(submit))}
      >
        {orderId ? (
          <Alert
            type="success"
            showIcon
            role="status"
            title={t('site.migration.orderedTitle')}
            description={
              <>
                {t('site.migration.awaitsApproval')}{' '}
                <a href={href('self', 'orders', orderId)} onClick={close}>
                  {t('site.migration.order', { id: orderId })}
                </a>
              </>
            }
          />
        ) : (
          <Form
            form={form}
            layout="vertical"
            aria-label={t('site.migration.action')}
            initialValues={{ dedicated: dedicatedDefaults, windowMinutes: 1440 }}
          >
            <Alert type="info" showIcon title={t('site.migration.explain')} style={{ marginBottom: 16 }} />
            <DedicatedSiteFields id={id} />
            <Form.Item
              name="windowMinutes"
              label={t('site.migration.windowMinutes')}
              htmlFor={`${id}-window`}
              extra={t('site.migration.windowHelp')}
              rules={[{ required: true, message: t('common.required') }]}
            >
              <InputNumber id={`${id}-window`} min={1} max={10_080} precision={0} style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item name="note" label={t('site.note')} htmlFor={`${id}-note`}>
              <Input.TextArea id={`${id}-note`} rows={3} />
            </Form.Item>
          </Form>
        )}
      </Modal>
    </>
  );
}
