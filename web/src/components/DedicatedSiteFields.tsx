// The settings a dedicated site is built with, as form fields under `dedicated` (the order form and the migration's).
import { Form, InputNumber, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import type { Schemas } from '../api/types';
import { useAsync } from './use-async';

export type DedicatedSettings = Schemas['DedicatedSiteSettings'];

/** The API's defaults (a flavor and an image are the user's to choose). */
export const dedicatedDefaults = { servers: 2, volumeGb: 10, backup: { intervalHours: 24, keep: 7 } };

/** The form's values as the API takes them: an empty limit is none. */
export function dedicatedBody(v: Partial<DedicatedSettings>): DedicatedSettings {
  return {
    servers: v.servers ?? dedicatedDefaults.servers,
    flavorId: v.flavorId!,
    imageId: v.imageId!,
    volumeGb: v.volumeGb ?? dedicatedDefaults.volumeGb,
    connectionLimit: v.connectionLimit ?? null,
    bandwidthMbps: v.bandwidthMbps ?? null,
    backup: { ...dedicatedDefaults.backup, ...v.backup },
  };
}

/** The catalog's active flavors (what the web servers are built with). */
export function useFlavors() {
  return useAsync(
    () =>
      ok(() =>
        api.GET('/api/v1/catalog/products', { params: { query: { kind: 'flavor', status: 'active', limit: 200 } } }),
      ).then((p) => p.items),
    [],
  );
}

export function flavorLabel(f: Schemas['CatalogProduct']): string {
  return `${f.name} (${f.vcpus ?? '?'} vCPU / ${f.ramMb ?? '?'} MB)`;
}

/** The images a web server may boot: the cloud's public ones and the tenant's own active ones, by Glance id. */
function useImages() {
  return useAsync(async () => {
    const [pub, own] = await Promise.all([
      ok(() => api.GET('/api/v1/public-images', { params: { query: { status: 'active' } } })).catch(() => ({
        items: [],
      })),
      ok(() => api.GET('/api/v1/images', { params: { query: { status: 'active', limit: 200 } } })).catch(() => ({
        items: [],
      })),
    ]);
    return [
      ...own.items.filter((i) => i.openstackId).map((i) => ({ value: i.openstackId!, label: i.name })),
      ...pub.items.map((i) => ({ value: i.id, label: i.name })),
    ];
  }, []);
}

/** The dedicated settings' fields, inside a Form; `id` prefixes each control's id (its label's target). */
export function DedicatedSiteFields({ id }: { id: string }) {
  const { t } = useTranslation();
  const flavors = useFlavors();
  const images = useImages();
  const required = [{ required: true, message: t('common.required') }];
  const number = (
    name: string | string[],
    label: string,
    min: number,
    max: number,
    opts: { optional?: string } = {},
  ) => {
    const fid = `${id}-${([] as string[]).concat(name).join('-')}`;
    return (
      <Form.Item
        name={['dedicated', ...([] as string[]).concat(name)]}
        label={label}
        htmlFor={fid}
        extra={opts.optional}
        rules={opts.optional ? [] : required}
      >
        <InputNumber id={fid} min={min} max={max} precision={0} style={{ width: '100%' }} />
      </Form.Item>
    );
  };
  return (
    <>
      {number('servers', t('site.dedicated.servers'), 2, 8)}
      <Form.Item
        name={['dedicated', 'flavorId']}
        label={t('site.dedicated.flavor')}
        htmlFor={`${id}-flavor`}
        rules={required}
      >
        <Select
          id={`${id}-flavor`}
          loading={flavors.loading}
          options={(flavors.data ?? []).map((f) => ({ value: f.id, label: flavorLabel(f) }))}
        />
      </Form.Item>
      <Form.Item
        name={['dedicated', 'imageId']}
        label={t('site.dedicated.image')}
        htmlFor={`${id}-image`}
        rules={required}
      >
        <Select
          id={`${id}-image`}
          loading={images.loading}
          options={images.data ?? []}
          showSearch
          optionFilterProp="label"
        />
      </Form.Item>
      {number('volumeGb', t('site.dedicated.volumeGb'), 1, 1024)}
      {number('connectionLimit', t('site.dedicated.connectionLimit'), 1, 1_000_000, {
        optional: t('site.dedicated.unlimitedIfEmpty'),
      })}
      {number('bandwidthMbps', t('site.dedicated.bandwidthMbps'), 1, 10_000, {
        optional: t('site.dedicated.noneIfEmpty'),
      })}
      {number(['backup', 'intervalHours'], t('site.dedicated.backupIntervalHours'), 1, 168)}
      {number(['backup', 'keep'], t('site.dedicated.backupKeep'), 1, 30)}
    </>
  );
}
