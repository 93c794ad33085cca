import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from './lib/api-error';
import type { AppDeps, AppEnv } from './deps';
import { accessLog } from './middleware/access-log';
import { audit } from './middleware/audit';
import { authenticate } from './middleware/authenticate';
import { onError, onNotFound } from './middleware/errors';
import { methodNotAllowed } from './middleware/method-not-allowed';
import { requestContext } from './middleware/request-context';
import { securityHeaders } from './middleware/security-headers';
import { adminsRouter } from './routers/admins';
import { auditRouter } from './routers/audit';
import { authRouter } from './routers/auth';
import { docsRouter } from './routers/docs';
import { healthRouter } from './routers/health';
import { portalRouter } from './routers/portal';
import { registrationsRouter } from './routers/registrations';
import { settingsRouter } from './routers/settings';
import { tenantsRouter } from './routers/tenants';
import { inboxRouter, messagesRouter } from './routers/inbox';
import { usersRouter } from './routers/users';
import { accountsRouter } from './routers/accounts';
import { processesRouter } from './routers/processes';
import { notificationsRouter } from './routers/notifications';
import { sinksRouter } from './routers/sinks';
import { reportsRouter } from './routers/reports';
import { oncallRouter } from './routers/oncall';
import { scalingGroupsRouter } from './routers/scaling-groups';
import { isolationRouter } from './routers/isolation';
import { catalogRouter } from './routers/catalog';
import { ordersRouter } from './routers/orders';
import { quotasRouter } from './routers/quotas';

import { driftRouter } from './routers/drift';
import { imagesRouter, publicImagesRouter } from './routers/images';
import { instancesRouter } from './routers/instances';
import {
  floatingIpsRouter,
  networksRouter,
  routersRouter,
  securityGroupsRouter,
  subnetsRouter,
} from './routers/networks';
import { usageRouter } from './routers/usage';
import { billingRouter } from './routers/billing';
import { evacuationsRouter } from './routers/evacuations';
import { poolRouter } from './routers/pool';
import { hostsRouter } from './routers/hosts';
import { migrationsRouter } from './routers/migrations';
import { schedulingRouter } from './routers/scheduling';
import { monitoringRouter } from './routers/monitoring';
import { alarmsRouter } from './routers/alarms';
import { loadBalancersRouter } from './routers/load-balancers';
import { bandwidthRouter } from './routers/bandwidth';
import { firewallPoliciesRouter } from './routers/firewall-policies';
import { alertmanagerHookRouter } from './routers/alertmanager-hook';
import { volumeSnapshotsRouter, volumesRouter } from './routers/volumes';
import { codecRouter } from './routers/codec';
import { databasesRouter } from './routers/databases';
import { siteHostsRouter, sitesRouter } from './routers/sites';
import { siteFtpRouter } from './routers/site-ftp';
import { appEnvironmentsRouter } from './routers/app-environments';
/** Routers of the REST contract, mounted under `/api/v1`. */
export function apiRoutes(): Hono<AppEnv> {
  const api = new Hono<AppEnv>();
  api.route('/auth', authRouter);
  api.route('/registrations', registrationsRouter);
  api.route('/tenants', tenantsRouter);
  api.route('/admins', adminsRouter);
  api.route('/settings', settingsRouter);
  api.route('/audit', auditRouter);
  api.route('/scaling-groups', scalingGroupsRouter);
  api.route('/isolation', isolationRouter);
  api.route('/oncall', oncallRouter);
  api.route('/notifications', notificationsRouter);
  api.route('/sinks', sinksRouter);
  api.route('/reports', reportsRouter);
  api.route('/inbox', inboxRouter);
  api.route('/messages', messagesRouter);
  api.route('/users', usersRouter);
  api.route('/account', accountsRouter);
  api.route('/processes', processesRouter);
  api.route('/catalog', catalogRouter);
  api.route('/quotas', quotasRouter);
  api.route('/orders', ordersRouter);
  api.route('/instances', instancesRouter);
  api.route('/volumes', volumesRouter);
  api.route('/volume-snapshots', volumeSnapshotsRouter);
  api.route('/networks', networksRouter);
  api.route('/subnets', subnetsRouter);
  api.route('/routers', routersRouter);
  api.route('/floating-ips', floatingIpsRouter);
  api.route('/security-groups', securityGroupsRouter);
  api.route('/images', imagesRouter);
  api.route('/public-images', publicImagesRouter);
  api.route('/usage', usageRouter);
  api.route('/billing', billingRouter);
  api.route('/admin/drift', driftRouter);
  api.route('/hosts', hostsRouter);
  api.route('/pool', poolRouter);
  api.route('/migrations', migrationsRouter);
  api.route('/evacuations', evacuationsRouter);
  api.route('/scheduling', schedulingRouter);
  api.route('/monitoring', monitoringRouter);
  api.route('/alarms', alarmsRouter);
  api.route('/load-balancers', loadBalancersRouter);
  api.route('/bandwidth', bandwidthRouter);
  api.route('/firewall-policies', firewallPoliciesRouter);
  api.route('/databases', databasesRouter);
  api.route('/sites', sitesRouter);
  api.route('/sites', siteFtpRouter);
  api.route('/site-hosts', siteHostsRouter);
  api.route('/app-environments', appEnvironmentsRouter);
  return api;
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.notFound(onNotFound);
  app.use('*', requestContext(deps));
  app.use('*', accessLog);
  app.use('*', securityHeaders);
  app.use('*', methodNotAllowed(app));
  const limit = bodyLimit({
    maxSize: deps.config.BODY_LIMIT_BYTES,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `request body exceeds ${deps.config.BODY_LIMIT_BYTES} bytes`);
    },
  });
  // A site's code package streams to disk under the hosting tier's own limit (api/services/site-packages.ts).
  const sitePackage = /^\/api\/v1\/sites\/[^/]+\/releases$/;
  app.use('/api/*', (c, next) => (c.req.method === 'POST' && sitePackage.test(c.req.path) ? next() : limit(c, next)));
  app.use('/api/*', audit);
  app.use('/api/*', authenticate);
  app.route('/', healthRouter);
  app.route('/', docsRouter);
  app.route('/', portalRouter);
  app.route('/api/v1', apiRoutes());
  app.route('/hooks', alertmanagerHookRouter);
  app.route('/codec', codecRouter);
  return app;
}
