// The catalog and the order wizard: choose, see the price, submit, then watch each step and item.
import { Button, Card, Checkbox, Form, Input, InputNumber, Select, Space, Steps, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { ErrorAlert, useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { useAsync } from '../../components/use-async';
import { OrderProgress } from './OrderProgress';

type Product = Schemas['CatalogProduct'];
// What the catalog sells (the products list's kind filter).
const productKinds = ['flavor', 'volume', 'floating_ip', 'network', 'bandwidth', 'load_balancer', 'site'] as const;
type ItemSpec = Schemas['OrderItemSpec'];

interface Choice {
  kind: ItemSpec['kind'];
  name: string;
  flavorId?: string;
  imageId?: string;
  networkId?: string;
  volumeGb?: number;
  floatingIp?: boolean;
  sizeGb?: number;
  cidr?: string;
}

/** The price of a choice from the catalog's prices, as the API computes it (flavor + GB of volume + address). */
function price(c: Choice, products: Product[]): { hourly: number; monthly: number } {
  const find = (kind: Product['kind'], id?: string) => products.find((p) => p.kind === kind && (!id || p.id === id));
  const parts: Array<[Product | undefined, number]> = [];
  if (c.kind === 'server') {
    parts.push([find('flavor', c.flavorId), 1]);
    if (c.volumeGb) parts.push([find('volume'), c.volumeGb]);
    if (c.floatingIp) parts.push([find('floating_ip'), 1]);
  } else if (c.kind === 'volume') parts.push([find('volume'), c.sizeGb ?? 0]);
  else parts.push([find(c.kind), 1]);
  return parts.reduce(
    (s, [p, n]) => ({ hourly: s.hourly + (p?.hourlyPrice ?? 0) * n, monthly: s.monthly + (p?.monthlyPrice ?? 0) * n }),
    { hourly: 0, monthly: 0 },
  );
}

function toSpec(c: Choice): ItemSpec {
  if (c.kind === 'server')
    return {
      kind: 'server',
      name: c.name,
      flavorId: c.flavorId,
      imageId: c.imageId,
      ...(c.networkId ? { networkId: c.networkId } : {}),
      ...(c.volumeGb ? { volumes: [{ sizeGb: c.volumeGb }] } : {}),
      ...(c.floatingIp ? { floatingIp: true } : {}),
    } as ItemSpec;
  if (c.kind === 'volume') return { kind: 'volume', name: c.name, sizeGb: c.sizeGb } as ItemSpec;
  if (c.kind === 'network') return { kind: 'network', name: c.name, ...(c.cidr ? { cidr: c.cidr } : {}) } as ItemSpec;
  return { kind: c.kind, name: c.name };
}

export function SelfCatalog() {
  const { t } = useTranslation();
  const act = useAct();
  const [form] = Form.useForm<Choice>();
  const [step, setStep] = useState(0);
  const [choice, setChoice] = useState<Choice>();
  const [orderId, setOrderId] = useState<string>();
  const [note, setNote] = useState('');
  const products = useAsync(
    () => ok(() => api.GET('/api/v1/catalog/products', { params: { query: { limit: 200, offset: 0 } } })),
    [],
  );
  const images = useAsync(() => ok(() => api.GET('/api/v1/public-images')), []);
  const networks = useAsync(
    () => ok(() => api.GET('/api/v1/networks', { params: { query: { limit: 200, offset: 0 } } })),
    [],
  );
  const items = useMemo(() => products.data?.items ?? [], [products.data]);
  const kind = Form.useWatch('kind', form) ?? 'server';
  const watched = Form.useWatch([], form);
  const preview = price({ ...(watched ?? {}), kind } as Choice, items);

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <ErrorAlert error={products.error} />
      <Card title={t('catalog.products')}>
        <PagedTable<Product>
          label={t('catalog.products')}
          rowKey="id"
          pageSize={10}
          filters={[
            { name: 'name', label: t('common.name') },
            {
              name: 'kind',
              label: t('common.kind'),
              options: productKinds.map((k) => ({ value: k, label: t(`kind.${k}`) })),
            },
          ]}
          load={(q) =>
            ok(() =>
              api.GET('/api/v1/catalog/products', {
                params: {
                  query: {
                    limit: q.limit,
                    offset: q.offset,
                    name: q.name as string | undefined,
                    kind: q.kind as (typeof productKinds)[number] | undefined,
                  },
                },
              }),
            )
          }
          columns={[
            { title: t('common.name'), dataIndex: 'name' },
            { title: t('common.kind'), render: (_, p) => t(`kind.${p.kind}`) },
            { title: t('catalog.vcpus'), dataIndex: 'vcpus' },
            { title: t('catalog.ramMb'), dataIndex: 'ramMb' },
            { title: t('catalog.diskGb'), dataIndex: 'diskGb' },
            { title: t('catalog.hourly'), render: (_, p) => p.hourlyPrice.toFixed(4) },
            { title: t('catalog.monthly'), render: (_, p) => p.monthlyPrice.toFixed(2) },
          ]}
        />
      </Card>
      <Card title={t('catalog.wizard')}>
        <Steps
          current={step}
          items={[
            { title: t('catalog.stepChoose') },
            { title: t('catalog.stepConfirm') },
            { title: t('catalog.stepProgress') },
          ]}
        />
        <div style={{ marginTop: 24 }} hidden={step !== 0}>
          <Form<Choice>
            form={form}
            layout="vertical"
            aria-label={t('catalog.wizard')}
            initialValues={{ kind: 'server', floatingIp: false }}
            onFinish={(v) => {
              setChoice({ ...v, kind });
              setStep(1);
            }}
          >
            <Form.Item name="kind" label={t('catalog.kind')} htmlFor="order-kind">
              <Select
                id="order-kind"
                options={(['server', 'volume', 'floating_ip', 'network'] as const).map((k) => ({
                  value: k,
                  label: t(`kind.${k}`),
                }))}
              />
            </Form.Item>
            <Form.Item
              name="name"
              label={t('common.name')}
              htmlFor="order-name"
              rules={[{ required: true, message: t('common.required') }]}
            >
              <Input id="order-name" />
            </Form.Item>
            {kind === 'server' && (
              <>
                <Form.Item
                  name="flavorId"
                  label={t('catalog.flavor')}
                  htmlFor="order-flavor"
                  rules={[{ required: true, message: t('common.required') }]}
                >
                  <Select
                    id="order-flavor"
                    options={items
                      .filter((p) => p.kind === 'flavor')
                      .map((p) => ({ value: p.id, label: `${p.name} (${p.vcpus} vCPU, ${p.ramMb} MB)` }))}
                  />
                </Form.Item>
                <Form.Item
                  name="imageId"
                  label={t('catalog.image')}
                  htmlFor="order-image"
                  rules={[{ required: true, message: t('common.required') }]}
                >
                  <Select
                    id="order-image"
                    options={(images.data?.items ?? []).map((i) => ({ value: i.id, label: i.name }))}
                  />
                </Form.Item>
                <Form.Item name="networkId" label={t('catalog.network')} htmlFor="order-network">
                  <Select
                    id="order-network"
                    allowClear
                    options={(networks.data?.items ?? [])
                      .filter((n) => n.openstackId)
                      .map((n) => ({ value: n.openstackId!, label: n.name }))}
                  />
                </Form.Item>
                <Form.Item name="volumeGb" label={t('catalog.dataVolume')} htmlFor="order-volume">
                  <InputNumber id="order-volume" min={0} max={2048} />
                </Form.Item>
                <Form.Item name="floatingIp" valuePropName="checked">
                  <Checkbox>{t('catalog.withFloatingIp')}</Checkbox>
                </Form.Item>
              </>
            )}
            {kind === 'volume' && (
              <Form.Item
                name="sizeGb"
                label={t('catalog.sizeGb')}
                htmlFor="order-size"
                rules={[{ required: true, message: t('common.required') }]}
              >
                <InputNumber id="order-size" min={1} max={2048} />
              </Form.Item>
            )}
            {kind === 'network' && (
              <Form.Item name="cidr" label={t('catalog.cidr')} htmlFor="order-cidr">
                <Input id="order-cidr" placeholder="10.0.0.0/24" />
              </Form.Item>
            )}
            <Typography.Paragraph data-testid="price-preview">
              {t('catalog.pricePreview', { hourly: preview.hourly.toFixed(4), monthly: preview.monthly.toFixed(2) })}
            </Typography.Paragraph>
            <Button type="primary" htmlType="submit">
              {t('common.next')}
            </Button>
          </Form>
        </div>
        {step === 1 && choice && (
          <Space orientation="vertical" style={{ marginTop: 24, width: '100%' }}>
            <Typography.Paragraph>
              {t('catalog.confirmText', { name: choice.name, kind: t(`kind.${choice.kind}`) })}
            </Typography.Paragraph>
            <Typography.Paragraph strong data-testid="price-confirm">
              {t('catalog.pricePreview', {
                hourly: price(choice, items).hourly.toFixed(4),
                monthly: price(choice, items).monthly.toFixed(2),
              })}
            </Typography.Paragraph>
            <Form layout="vertical">
              <Form.Item label={t('catalog.note')} htmlFor="order-note">
                <Input.TextArea
                  id="order-note"
                  value={note}
                  onChange={(e) => setNote(e.target.value)}
                  maxLength={500}
                />
              </Form.Item>
            </Form>
            <Space>
              <Button onClick={() => setStep(0)}>{t('common.back')}</Button>
              <Button
                type="primary"
                onClick={() =>
                  void act(async () => {
                    const o = await ok(() =>
                      api.POST('/api/v1/orders', { body: { items: [toSpec(choice)], ...(note ? { note } : {}) } }),
                    );
                    setOrderId(o.id);
                    setStep(2);
                  }, t('catalog.submitted'))
                }
              >
                {t('catalog.submit')}
              </Button>
            </Space>
          </Space>
        )}
        {step === 2 && orderId && (
          <div style={{ marginTop: 24 }}>
            <OrderProgress orderId={orderId} canCancel />
            <Button
              style={{ marginTop: 16 }}
              onClick={() => {
                form.resetFields();
                setOrderId(undefined);
                setStep(0);
              }}
            >
              {t('catalog.another')}
            </Button>
          </div>
        )}
      </Card>
    </Space>
  );
}
