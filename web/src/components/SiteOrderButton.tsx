// Ordering a site, on the shared tier or the dedicated one (with its settings), through the order approval flow.
import { Button, Form, Input, InputNumber, Modal, Radio, Select, Switch } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import type { Schemas } from '../api/types';
import { DedicatedSiteFields, dedicatedBody, dedicatedDefaults, type DedicatedSettings } from './DedicatedSiteFields';
import { useAct } from './feedback';
import { useAsync } from './use-async';

type Tier = Schemas['SiteCreate']['tier'];
interface Values {
  name: string;
  diskMb: number;
  environmentId?: string;
  database?: boolean;
  note?: string;
  tier: Tier;
  dedicated?: Partial<DedicatedSettings>;
}

const id = 'site-order';

/** `ordered` gets the order id (the caller shows the order). */
export function SiteOrderButton({ ordered }: { ordered: (orderId: string) => void }) {
  const { t } = useTranslation();
  const act = useAct();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<Values>();
  const tier = Form.useWatch('tier', form) ?? 'shared';
  // The app environments a site can be ordered with (the active ones the shared hosts serve); none chosen: the default.
  const environments = useAsync(
    () =>
      ok(() => api.GET('/api/v1/app-environments', { params: { query: { status: 'active', limit: 200 } } })).then((p) =>
        p.items.filter((e) => e.webServer === 'nginx'),
      ),
    [],
  );
  const submit = async (v: Values) => {
    const { dedicated, ...rest } = v;
    const body: Schemas['SiteCreate'] = {
      ...rest,
      database: !!v.database,
      ...(v.tier === 'dedicated' ? { dedicated: dedicatedBody(dedicated ?? {}) } : {}),
    };
    const r = await act(() => ok(() => api.POST('/api/v1/sites', { body })));
    if (!r) return;
    setOpen(false);
    form.resetFields();
    ordered(r.orderId);
  };
  const item = (name: keyof Values, label: string, input: ReactNode, required = false) => (
    <Form.Item
      name={name}
      label={label}
      htmlFor={`${id}-${name}`}
      valuePropName={name === 'database' ? 'checked' : 'value'}
      rules={required ? [{ required: true, message: t('common.required') }] : []}
    >
      {input}
    </Form.Item>
  );
  return (
    <>
      <Button type="primary" onClick={() => setOpen(true)}>
        {t('site.order')}
      </Button>
      <Modal
        open={open}
        title={t('site.order')}
        okText={t('common.ok')}
        cancelText={t('common.cancel')}
        onCancel={() => setOpen(false)}
        onOk={() => void form.validateFields().then(submit)}
      >
        <Form
          form={form}
          layout="vertical"
          aria-label={t('site.order')}
          initialValues={{ diskMb: 500, database: false, tier: 'shared', dedicated: dedicatedDefaults }}
        >
          {item('name', t('site.name'), <Input id={`${id}-name`} />, true)}
          <Form.Item name="tier" label={t('site.tier')}>
            <Radio.Group
              aria-label={t('site.tier')}
              options={(['shared', 'dedicated'] as const).map((x) => ({ value: x, label: t(`site.tiers.${x}`) }))}
            />
          </Form.Item>
          {item(
            'diskMb',
            t('site.diskMb'),
            <InputNumber id={`${id}-diskMb`} min={1} style={{ width: '100%' }} />,
            true,
          )}
          {item(
            'environmentId',
            t('appEnv.ofSite'),
            <Select
              id={`${id}-environmentId`}
              allowClear
              options={(environments.data ?? []).map((e) => ({
                value: e.id,
                label: `${e.name} v${e.version} (PHP ${e.phpVersion})`,
              }))}
            />,
          )}
          {item('database', t('site.withDatabase'), <Switch id={`${id}-database`} />)}
          {tier === 'dedicated' && <DedicatedSiteFields id={id} />}
          {item('note', t('site.note'), <Input.TextArea id={`${id}-note`} rows={3} />)}
        </Form>
      </Modal>
    </>
  );
}
