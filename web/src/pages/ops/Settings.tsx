// Run-time settings, each edited by its type (boolean, number, text, choice, choices, quota limits), with its default.
import { Button, Card, Input, InputNumber, Select, Space, Switch, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api, ok } from '../../api/client';
import type { Schemas } from '../../api/types';
import { ErrorAlert, useAct } from '../../components/feedback';
import { when } from '../../components/Status';
import { useAsync } from '../../components/use-async';

type Setting = Schemas['Setting'];

/** A choice's label: settings.choice.<setting>.<value> where the portal names it, else the value. */
function choice(name: string, value: string, t: TFunction): string {
  return t(`settings.choice.${name}.${value}`, { defaultValue: value });
}

function show(name: string, v: unknown, t: TFunction): string {
  if (v === null || v === undefined) return t('settings.unset');
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (Array.isArray(v)) return v.length ? v.map((x) => choice(name, String(x), t)).join(', ') : t('settings.none');
  if (typeof v === 'object')
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}=${x}`)
      .join(', ');
  return String(v);
}

function Editor({ name, s, onSaved }: { name: string; s: Setting; onSaved: () => void }) {
  const { t } = useTranslation();
  const act = useAct();
  const [value, setValue] = useState<unknown>(s.value);
  const id = `setting-${name}`;
  const label = t(`settings.name.${name}`);
  let input;
  if (s.type === 'boolean') input = <Switch id={id} aria-label={label} checked={!!value} onChange={setValue} />;
  else if (s.type === 'integer' || s.type === 'number')
    input = (
      <InputNumber
        id={id}
        aria-label={label}
        value={value as number | null}
        onChange={setValue}
        step={s.type === 'integer' ? 1 : 0.01}
      />
    );
  else if (s.type === 'enum')
    input = (
      <Select
        id={id}
        aria-label={label}
        style={{ minWidth: 140 }}
        value={value as string}
        onChange={setValue}
        options={(s.enum ?? []).map((e) => ({ value: e, label: e }))}
      />
    );
  else if (s.type === 'enumList')
    input = (
      <Select
        id={id}
        aria-label={label}
        mode="multiple"
        allowClear
        style={{ minWidth: 240 }}
        value={value as string[]}
        onChange={setValue}
        options={(s.enum ?? []).map((e) => ({ value: e, label: choice(name, e, t) }))}
      />
    );
  else if (s.type === 'quotaLimits')
    input = (
      <Input.TextArea
        id={id}
        aria-label={label}
        rows={2}
        defaultValue={JSON.stringify(value)}
        onChange={(e) => {
          try {
            setValue(JSON.parse(e.target.value));
          } catch {
            /* kept until it parses */
          }
        }}
      />
    );
  else
    input = (
      <Input
        id={id}
        aria-label={label}
        value={(value as string | null) ?? ''}
        onChange={(e) => setValue(e.target.value === '' && s.nullable ? null : e.target.value)}
      />
    );
  return (
    <Space>
      {input}
      {s.unit && <Typography.Text type="secondary">{s.unit}</Typography.Text>}
      <Button
        size="small"
        onClick={() =>
          void act(async () => {
            await ok(() => api.PATCH('/api/v1/settings', { body: { [name]: value } as Schemas['SettingsPatch'] }));
            onSaved();
          })
        }
      >
        {t('common.save')}
      </Button>
    </Space>
  );
}

export function OpsSettings() {
  const { t } = useTranslation();
  const settings = useAsync(() => ok(() => api.GET('/api/v1/settings')), []);
  const rows = Object.entries(settings.data ?? {}).map(([name, s]) => ({ name, ...(s as Setting) }));
  return (
    <Card>
      <ErrorAlert error={settings.error} />
      <Table
        aria-label={t('page.ops.settings')}
        size="small"
        rowKey="name"
        pagination={false}
        dataSource={rows}
        columns={[
          {
            title: t('settings.setting'),
            render: (_, r) => <Typography.Text strong>{t(`settings.name.${r.name}`)}</Typography.Text>,
          },
          { title: t('settings.type'), render: (_, r) => t(`settings.types.${r.type}`) },
          {
            title: t('settings.value'),
            render: (_, r) => (
              <Editor key={`${r.name}-${r.updatedAt}`} name={r.name} s={r} onSaved={() => void settings.reload()} />
            ),
          },
          { title: t('settings.default'), render: (_, r) => show(r.name, r.default, t) },
          { title: t('settings.updatedAt'), render: (_, r) => when(r.updatedAt) },
        ]}
      />
    </Card>
  );
}
