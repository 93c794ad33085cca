// A tenant's own report exports (orders, inventory, usage, bills of his tenant), written in the background with
// progress, downloaded when ready.
import { useTranslation } from 'react-i18next';
import { ReportsTable } from '../../components/Reports';

export function SelfReports() {
  const { t } = useTranslation();
  return <ReportsTable label={t('page.self.reports')} staff={false} />;
}
