import { Alert, App } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { apiErrorText } from '../api/error-text';
import i18n from '../i18n';

/** The API's error in the user's language (its own message for a code without a key), or the browser's when the request never got an answer. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return apiErrorText(i18n, e);
  return e instanceof Error ? e.message : String(e);
}

export function ErrorAlert({ error }: { error?: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  return <Alert type="error" showIcon role="alert" title={t('common.error')} description={errorText(error)} />;
}

/** Runs an action, then says it is done or shows the API's message. */
export function useAct() {
  const { message } = App.useApp();
  const { t } = useTranslation();
  return async function act<T>(work: () => Promise<T>, done?: string): Promise<T | undefined> {
    try {
      const r = await work();
      void message.success(done ?? t('common.done'));
      return r;
    } catch (e) {
      void message.error(errorText(e), 8);
      return undefined;
    }
  };
}
