import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const colors: Record<string, string> = {
  active: 'green',
  ACTIVE: 'green',
  delivered: 'green',
  live: 'green',
  healthy: 'green',
  unhealthy: 'red',
  ready: 'cyan',
  ordered: 'gold',
  removing: 'orange',
  succeeded: 'green',
  completed: 'green',
  ok: 'green',
  up: 'green',
  done: 'green',
  success: 'green',
  pending: 'gold',
  awaiting_approval: 'gold',
  running: 'blue',
  provisioning: 'blue',
  copying: 'blue',
  'cut-over': 'cyan',
  'rolled-back': 'gold',
  busy: 'blue',
  maintenance: 'purple',
  firing: 'red',
  failed: 'red',
  error: 'red',
  rejected: 'red',
  refused: 'red',
  denied: 'red',
  failure: 'red',
  terminated: 'red',
  timed_out: 'red',
  gone: 'red',
  suspect: 'orange',
  fenced: 'magenta',
  acknowledged: 'cyan',
};

/** A status from the API, in the user's language. */
export function Status({ value }: { value: string | null | undefined }) {
  const { t } = useTranslation();
  if (value == null) return <>—</>;
  return <Tag color={colors[value]}>{t(`status.${value}`)}</Tag>;
}

export function when(d: string | null | undefined): string {
  return d ? new Date(d).toLocaleString() : '—';
}
