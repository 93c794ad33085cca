// The three faces and their pages. A page shows when the caller holds one of its permissions; a face when
// one of its pages shows (self-service also needs a tenant).
import type { ComponentType } from 'react';
import type { Session } from './auth';
import { OmAdmins } from './pages/om/Admins';
import { OmAlarms } from './pages/om/Alarms';
import { OmAudit } from './pages/om/Audit';
import { OmDashboard } from './pages/om/Dashboard';
import { OmHosts } from './pages/om/Hosts';
import { OmOncall } from './pages/om/Oncall';
import { OmPerformance } from './pages/om/Performance';
import { OmPool } from './pages/om/Pool';
import { OmProcesses } from './pages/om/Processes';
import { OmReports } from './pages/om/Reports';
import { OmSiteHosts } from './pages/om/SiteHosts';
import { OpsAppEnvironments } from './pages/ops/AppEnvironments';
import { OpsApprovals } from './pages/ops/Approvals';
import { OpsBilling } from './pages/ops/Billing';
import { OpsCatalog } from './pages/ops/Catalog';
import { OpsMessages } from './pages/ops/Messages';
import { OpsQuotas } from './pages/ops/Quotas';
import { OpsRegistrations } from './pages/ops/Registrations';
import { OpsResources } from './pages/ops/Resources';
import { OpsScheduling } from './pages/ops/Scheduling';
import { OpsSettings } from './pages/ops/Settings';
import { OpsTenants } from './pages/ops/Tenants';
import { OpsUsers } from './pages/ops/Users';
import { SelfBilling } from './pages/self/Billing';
import { SelfCatalog } from './pages/self/Catalog';
import { SelfDashboard } from './pages/self/Dashboard';
import { SelfDatabases } from './pages/self/Databases';
import { SelfImages } from './pages/self/Images';
import { SelfInbox } from './pages/self/Inbox';
import { SelfInstances } from './pages/self/Instances';
import { SelfLoadBalancers } from './pages/self/LoadBalancers';
import { SelfNetworks } from './pages/self/Networks';
import { SelfOrders } from './pages/self/Orders';
import { SelfProfile } from './pages/self/Profile';
import { SelfReports } from './pages/self/Reports';
import { SelfScaling } from './pages/self/Scaling';
import { SelfSites } from './pages/self/Sites';
import { SelfVolumes } from './pages/self/Volumes';

export interface PageDef {
  id: string;
  perms: string[];
  component: ComponentType<{ id?: string }>;
}

export interface FaceDef {
  id: 'self' | 'ops' | 'om';
  pages: PageDef[];
}

export const faces: FaceDef[] = [
  {
    id: 'self',
    pages: [
      { id: 'dashboard', perms: ['own:resources:read'], component: SelfDashboard },
      { id: 'catalog', perms: ['own:orders:create'], component: SelfCatalog },
      { id: 'orders', perms: ['own:orders:read'], component: SelfOrders },
      { id: 'instances', perms: ['own:resources:read'], component: SelfInstances },
      { id: 'volumes', perms: ['own:resources:read'], component: SelfVolumes },
      { id: 'networks', perms: ['own:resources:read'], component: SelfNetworks },
      { id: 'loadbalancers', perms: ['own:resources:read'], component: SelfLoadBalancers },
      { id: 'sites', perms: ['own:resources:read'], component: SelfSites },
      { id: 'databases', perms: ['own:resources:read'], component: SelfDatabases },
      { id: 'images', perms: ['own:resources:read'], component: SelfImages },
      { id: 'scaling', perms: ['own:resources:read'], component: SelfScaling },
      { id: 'billing', perms: ['own:resources:read'], component: SelfBilling },
      { id: 'reports', perms: ['own:resources:read', 'own:orders:read'], component: SelfReports },
      { id: 'inbox', perms: ['own:resources:read'], component: SelfInbox },
      { id: 'profile', perms: ['own:resources:read'], component: SelfProfile },
    ],
  },
  {
    id: 'ops',
    pages: [
      { id: 'registrations', perms: ['registrations:approve'], component: OpsRegistrations },
      { id: 'approvals', perms: ['orders:approve'], component: OpsApprovals },
      { id: 'tenants', perms: ['tenants:manage'], component: OpsTenants },
      { id: 'users', perms: ['users:manage'], component: OpsUsers },
      { id: 'catalog', perms: ['catalog:manage'], component: OpsCatalog },
      { id: 'appenvironments', perms: ['pool:manage'], component: OpsAppEnvironments },
      { id: 'quotas', perms: ['quotas:manage'], component: OpsQuotas },
      { id: 'billing', perms: ['catalog:manage'], component: OpsBilling },
      { id: 'instances', perms: ['resources:operate'], component: OpsResources },
      { id: 'messages', perms: ['messages:send'], component: OpsMessages },
      { id: 'scheduling', perms: ['policy:manage'], component: OpsScheduling },
      { id: 'settings', perms: ['settings:manage'], component: OpsSettings },
    ],
  },
  {
    id: 'om',
    pages: [
      { id: 'dashboard', perms: ['monitoring:read', 'hosts:read'], component: OmDashboard },
      { id: 'performance', perms: ['monitoring:read'], component: OmPerformance },
      { id: 'alarms', perms: ['monitoring:read', 'alarms:manage'], component: OmAlarms },
      { id: 'hosts', perms: ['hosts:read'], component: OmHosts },
      { id: 'pool', perms: ['hosts:read'], component: OmPool },
      { id: 'sitehosts', perms: ['hosts:read'], component: OmSiteHosts },
      { id: 'audit', perms: ['audit:read'], component: OmAudit },
      { id: 'reports', perms: ['reports:read'], component: OmReports },
      { id: 'processes', perms: ['processes:read'], component: OmProcesses },
      { id: 'admins', perms: ['admins:manage'], component: OmAdmins },
      { id: 'oncall', perms: ['oncall:manage'], component: OmOncall },
    ],
  },
];

export function visiblePages(face: FaceDef, s: Session): PageDef[] {
  if (face.id === 'self' && !s.me.tenantId) return [];
  return face.pages.filter((p) => s.can(...p.perms));
}

export function visibleFaces(s: Session): FaceDef[] {
  return faces.filter((f) => visiblePages(f, s).length > 0);
}
