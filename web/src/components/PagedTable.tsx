// A list the API pages (limit/offset) with filters above it; every list of the portals is one of these.
import { Button, Form, Input, Select, Space, Table, type TableColumnsType } from 'antd';
import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from './feedback';
import { useAsync } from './use-async';

export interface Filter {
  name: string;
  label: string;
  options?: Array<{ value: string; label: string }>;
}

export interface PageQuery {
  limit: number;
  offset: number;
  [filter: string]: string | number | undefined;
}

export interface PagedTableProps<T> {
  columns: TableColumnsType<T>;
  load: (q: PageQuery) => Promise<{ items: T[]; total: number }>;
  rowKey: keyof T & string;
  filters?: Filter[];
  toolbar?: (reload: () => Promise<void>) => ReactNode;
  refreshMs?: number;
  label: string;
  /** Change to load again (after an action elsewhere on the page). */
  version?: number;
  pageSize?: number;
  /** The page sizes offered (antd's 10/20/50/100 by default), for routes with a lower limit. */
  pageSizes?: number[];
}

export function PagedTable<T extends object>(props: PagedTableProps<T>) {
  const { t } = useTranslation();
  // Filter ids unique on the page (tabs keep several tables with a `status` filter mounted).
  const uid = useId();
  const [page, setPage] = useState({ current: 1, size: props.pageSize ?? 20 });
  const [filters, setFilters] = useState<Record<string, string | undefined>>({});
  const query: PageQuery = { limit: page.size, offset: (page.current - 1) * page.size };
  for (const [k, v] of Object.entries(filters)) if (v) query[k] = v;
  const { data, error, loading, reload } = useAsync(
    () => props.load(query),
    [page.current, page.size, JSON.stringify(filters), props.version],
    props.refreshMs,
  );
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {(props.filters?.length || props.toolbar) && (
        <Space wrap>
          {props.filters?.length ? (
            <Form
              layout="inline"
              aria-label={t('common.filters')}
              onFinish={(v: Record<string, string | undefined>) => {
                setFilters(v);
                setPage((p) => ({ ...p, current: 1 }));
              }}
            >
              {props.filters.map((f) => (
                <Form.Item key={f.name} name={f.name} label={f.label} htmlFor={`${uid}filter-${f.name}`}>
                  {f.options ? (
                    <Select id={`${uid}filter-${f.name}`} allowClear style={{ minWidth: 140 }} options={f.options} />
                  ) : (
                    <Input id={`${uid}filter-${f.name}`} allowClear />
                  )}
                </Form.Item>
              ))}
              <Form.Item>
                <Button htmlType="submit">{t('common.filter')}</Button>
              </Form.Item>
            </Form>
          ) : null}
          {props.toolbar?.(reload)}
          <Button onClick={() => void reload()}>{t('common.refresh')}</Button>
        </Space>
      )}
      <ErrorAlert error={error} />
      <Table<T>
        aria-label={props.label}
        size="small"
        rowKey={props.rowKey}
        loading={loading && !data}
        columns={props.columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('common.empty') }}
        pagination={{
          current: page.current,
          pageSize: page.size,
          total: data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: props.pageSizes,
          showTotal: (n) => t('common.total', { count: n }),
          onChange: (current, size) => setPage({ current, size }),
        }}
      />
    </Space>
  );
}
