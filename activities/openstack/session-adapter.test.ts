import { EndpointNotFoundError } from './catalog';
import { OpenStackConnectionError, OpenStackError, OpenStackTimeoutError } from './errors';
import { adapterFailure, scopedClient, statusFailure, type AdapterOptions } from './session-adapter';

const opts: AdapterOptions = { microversions: {}, noEndpointType: 'OpenStackNoEndpoint' };

describe('adapter failures', () => {
  it('keeps the callers names and message shape over the shared mapping', () => {
    const unavailable = statusFailure(503, 'GET', '/servers/x', JSON.stringify({ serviceUnavailable: { code: 503, message: 'down' } }), opts);
    expect(unavailable).toMatchObject({ type: 'OpenStackUnavailable', nonRetryable: false, message: 'GET /servers/x → 503: down' });
    expect(statusFailure(400, 'POST', '/servers/x/os-volume_attachments', '{"badRequest":{"message":"no"}}', opts)).toMatchObject({ type: 'OpenStackBadRequest', nonRetryable: true, message: 'POST /servers/x/os-volume_attachments → 400: no' });
    expect(statusFailure(404, 'GET', '/v2.0/ports/p', '{"NeutronError":{"type":"PortNotFound","message":"gone"}}', opts)).toMatchObject({ type: 'OpenStackNotFound', nonRetryable: true });
    expect(statusFailure(409, 'PUT', '/v2/lbaas/listeners/l', '{"faultcode":"Client","faultstring":"immutable"}', opts)).toMatchObject({ type: 'OpenStackConflict', nonRetryable: false });
    expect(statusFailure(500, 'GET', '/x', 'boom', opts).details?.[0]).toMatchObject({ status: 500 });
  });

  it('treats every quota answer (Nova 403, Neutron 409, any 413) as a non-retryable quota failure', () => {
    for (const [status, text] of [
      [403, '{"forbidden":{"message":"Quota exceeded for cores: Requested 4, but already used 10 of 10 cores"}}'],
      [409, '{"NeutronError":{"type":"OverQuota","message":"Quota exceeded for resources: [port]."}}'],
      [413, '{"overLimit":{"message":"VolumeSizeExceedsLimit"}}'],
    ] as const) {
      expect(statusFailure(status, 'POST', '/x', text, opts)).toMatchObject({ type: 'OpenStackQuotaExceeded', nonRetryable: true });
    }
  });

  it('names unreachable services, timeouts and missing endpoints as the callers did', () => {
    expect(adapterFailure(new OpenStackConnectionError('compute', 'GET', '/compute/v2.1/servers', new Error('ECONNREFUSED')), 'GET', '/servers', opts)).toMatchObject({ type: 'OpenStackUnavailable', nonRetryable: false });
    expect(adapterFailure(new OpenStackTimeoutError('compute', 'GET', '/compute/v2.1/servers', 10), 'GET', '/servers', opts)).toMatchObject({ type: 'OpenStackUnavailable', nonRetryable: false });
    expect(adapterFailure(new EndpointNotFoundError('no public endpoint for load-balancer'), 'GET', '/v2/lbaas/pools', opts)).toMatchObject({ type: 'OpenStackNoEndpoint', nonRetryable: true });
  });

  it('shows a refused login as the token request, whatever the call was', () => {
    const refused = new OpenStackError({ status: 401, service: 'identity', message: 'bad password', method: 'POST', path: '/identity/v3/auth/tokens' });
    expect(adapterFailure(refused, 'GET', '/servers', opts)).toMatchObject({ type: 'OpenStackUnauthorized', nonRetryable: true, message: 'POST /auth/tokens → 401: bad password' });
  });
});

describe('scopedClient', () => {
  const login = { authUrl: 'http://127.0.0.1:9/identity/v3', username: 'admin', password: 'secret', projectName: 'admin' };

  it('shares one client per credentials and project scope', () => {
    expect(scopedClient(login, null)).toBe(scopedClient({ ...login }, undefined));
    expect(scopedClient(login, 'p1')).toBe(scopedClient(login, 'p1'));
    expect(scopedClient(login, 'p1')).not.toBe(scopedClient(login, 'p2'));
    expect(scopedClient(login, 'p1')).not.toBe(scopedClient(login, null));
    expect(scopedClient(login, 'p1')).not.toBe(scopedClient({ ...login, password: 'other' }, 'p1'));
    expect(scopedClient(login, 'p1').session.config.auth).toMatchObject({ type: 'password', username: 'admin', projectId: 'p1' });
    expect(scopedClient(login, null).session.config.auth).toMatchObject({ projectName: 'admin', projectDomainName: 'Default', userDomainName: 'Default' });
  });
});
