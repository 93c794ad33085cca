// The catalog and its price plans: create products, change prices, retire.
import { Button, Form, InputNumber, Modal, Popconfirm, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { CreateButton } from '../../components/CreateForm';
import { useAct } from '../../components/feedback';
import { PagedTable } from '../../components/PagedTable';
import { Status, when } from '../../components/Status';

type Product = Schemas['CatalogProduct'];

export function OpsCatalog() {
  const { t } = useTranslation();
  const act = useAct();
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<Product>();
  const [form] = Form.useForm<Schemas['CatalogProductPatch']>();
  const bump = () => setVersion((v) => v + 1);
  const kinds = ['flavor', 'volume', 'floating_ip', 'network', 'bandwidth', 'load_balancer', 'site'];
  return (
    <>
      <PagedTable<Product>
        label={t('page.ops.catalog')}
        rowKey="id"
        version={version}
        filters={[
          {
            name: 'status',
            label: t('common.status'),
            options: ['active', 'retired', 'all'].map((s) => ({ value: s, label: t(`status.${s}`) })),
          },
        ]}
        toolbar={() => (
          <CreateButton<Schemas['CatalogProductCreate'] & { kind: string }>
            id="product"
            title={t('catalog.createProduct')}
            fields={[
              {
                name: 'kind',
                label: t('catalog.kind'),
                type: 'select',
                required: true,
                options: kinds.map((k) => ({ value: k, label: t(`kind.${k}`) })),
                initial: 'flavor',
              },
              { name: 'name', label: t('common.name'), required: true },
              { name: 'description', label: t('catalog.description') },
              { name: 'vcpus', label: t('catalog.vcpus'), type: 'number', min: 1 },
              { name: 'ramMb', label: t('catalog.ramMb'), type: 'number', min: 64 },
              { name: 'diskGb', label: t('catalog.diskGb'), type: 'number', min: 0 },
              { name: 'hourlyPrice', label: t('catalog.hourly'), type: 'number', min: 0, required: true },
              { name: 'monthlyPrice', label: t('catalog.monthly'), type: 'number', min: 0, required: true },
            ]}
            submit={(body) =>
              ok(() => api.POST('/api/v1/catalog/products', { body: body as Schemas['CatalogProductCreate'] }))
            }
            onDone={bump}
          />
        )}
        load={(q) =>
          ok(() =>
            api.GET('/api/v1/catalog/products', {
              params: {
                query: {
                  limit: q.limit,
                  offset: q.offset,
                  status: q.status as 'active' | 'retired' | 'all' | undefined,
                },
              },
            }),
          )
        }
        columns={[
          { title: t('common.name'), dataIndex: 'name' },
          { title: t('common.kind'), render: (_, p) => t(`kind.${p.kind}`) },
          { title: t('common.status'), render: (_, p) => <Status value={p.status} /> },
          { title: t('catalog.vcpus'), dataIndex: 'vcpus' },
          { title: t('catalog.ramMb'), dataIndex: 'ramMb' },
          { title: t('catalog.hourly'), render: (_, p) => p.hourlyPrice.toFixed(4) },
          { title: t('catalog.monthly'), render: (_, p) => p.monthlyPrice.toFixed(2) },
          { title: t('catalog.updated'), render: (_, p) => when(p.updatedAt) },
          {
            title: t('common.actions'),
            render: (_, p) =>
              p.status === 'active' && (
                <Space>
                  <Button
                    size="small"
                    onClick={() => {
                      form.setFieldsValue({ hourlyPrice: p.hourlyPrice, monthlyPrice: p.monthlyPrice });
                      setEditing(p);
                    }}
                  >
                    {t('catalog.editPrice')}
                  </Button>
                  <Popconfirm
                    title={t('catalog.retireConfirm')}
                    okText={t('common.yes')}
                    cancelText={t('common.no')}
                    onConfirm={() =>
                      void act(async () => {
                        await ok(() =>
                          api.POST('/api/v1/catalog/products/{productId}/retire', {
                            params: { path: { productId: p.id } },
                          }),
                        );
                        bump();
                      })
                    }
                  >
                    <Button size="small" danger>
                      {t('catalog.retire')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
      <Modal
        open={!!editing}
        title={t('catalog.editPrice')}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        onCancel={() => setEditing(undefined)}
        onOk={() =>
          void form.validateFields().then((v) =>
            act(async () => {
              await ok(() =>
                api.PATCH('/api/v1/catalog/products/{productId}', {
                  params: { path: { productId: editing!.id } },
                  body: v,
                }),
              );
              setEditing(undefined);
              bump();
            }),
          )
        }
      >
        <Form form={form} layout="vertical">
          <Form.Item name="hourlyPrice" label={t('catalog.hourly')} htmlFor="price-hourly">
            <InputNumber id="price-hourly" min={0} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="monthlyPrice" label={t('catalog.monthly')} htmlFor="price-monthly">
            <InputNumber id="price-monthly" min={0} style={{ width: '100%' }} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
