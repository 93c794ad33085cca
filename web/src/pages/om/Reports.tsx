// Report exports of every section and tenant (reports:read), written in the background, downloaded when ready.
import { useTranslation } from 'react-i18next';
import { ReportsTable } from '../../components/Reports';

export function OmReports() {
  const { t } = useTranslation();
  return <ReportsTable label={t('page.om.reports')} staff />;
}
