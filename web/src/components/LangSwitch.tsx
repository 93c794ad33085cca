import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { setLang, type Lang } from '../i18n';

export function LangSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <Select<Lang>
      aria-label={t('shell.language')}
      value={i18n.language as Lang}
      onChange={setLang}
      style={{ width: 110 }}
      options={[
        { value: 'zh', label: '简体中文' },
        { value: 'en', label: 'English' },
      ]}
    />
  );
}
