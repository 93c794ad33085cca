import { ApplicationFailure } from '@temporalio/common';
import {
  OpenStackConnectionError,
  OpenStackError,
  OpenStackFailureType,
  OpenStackTimeoutError,
  EndpointNotFoundError,
  isNotFound,
  parseFault,
  toActivityFailure,
} from './errors';

const err = (
  status: number,
  message: string,
  code?: string,
  extra: Partial<ConstructorParameters<typeof OpenStackError>[0]> = {},
) => new OpenStackError({ status, service: 'compute', message, code, method: 'POST', path: '/v2.1/servers', ...extra });

describe('parseFault', () => {
  it('reads every service fault shape', () => {
    expect(parseFault({ itemNotFound: { code: 404, message: 'Instance x could not be found.' } })).toEqual({
      code: 'itemNotFound',
      message: 'Instance x could not be found.',
    });
    expect(
      parseFault({
        NeutronError: { type: 'OverQuota', message: 'Quota exceeded for resources: [network].', detail: '' },
      }),
    ).toEqual({ code: 'OverQuota', message: 'Quota exceeded for resources: [network].' });
    expect(
      parseFault({
        error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
      }),
    ).toEqual({ code: 'Unauthorized', message: 'The request you have made requires authentication.' });
    expect(parseFault({ faultcode: 'Client', faultstring: 'Load Balancer x is immutable', debuginfo: null })).toEqual({
      code: 'Client',
      message: 'Load Balancer x is immutable',
    });
    expect(parseFault('<html><body><h1>404 Not Found</h1>No image found</body></html>').message).toBe(
      '404 Not Found No image found',
    );
    expect(parseFault('{"conflictingRequest":{"code":409,"message":"busy"}}')).toEqual({
      code: 'conflictingRequest',
      message: 'busy',
    });
  });
});

describe('toActivityFailure', () => {
  const cases: Array<[OpenStackError | Error, string, boolean]> = [
    [err(400, 'Invalid input'), OpenStackFailureType.BadRequest, true],
    [err(401, 'auth'), OpenStackFailureType.Unauthorized, true],
    [err(403, 'Policy does not allow'), OpenStackFailureType.Forbidden, true],
    [
      err(403, 'Quota exceeded for cores: Requested 4, but already used 20 of 20 cores', 'forbidden'),
      OpenStackFailureType.QuotaExceeded,
      true,
    ],
    [err(404, 'not found', 'itemNotFound'), OpenStackFailureType.NotFound, true],
    [
      err(413, 'Maximum number of volumes allowed (10) exceeded for quota volumes', 'overLimit'),
      OpenStackFailureType.QuotaExceeded,
      true,
    ],
    [err(413, 'Request entity too large', 'overLimit'), OpenStackFailureType.OverLimit, true],
    [
      err(409, 'Quota exceeded for resources: [port].', 'OverQuota', { service: 'network' }),
      OpenStackFailureType.QuotaExceeded,
      true,
    ],
    [
      err(409, "Cannot 'start' instance while it is in vm_state active", 'conflictingRequest'),
      OpenStackFailureType.Conflict,
      false,
    ],
    [err(429, 'slow down'), OpenStackFailureType.RateLimited, false],
    [err(500, 'boom', 'computeFault'), OpenStackFailureType.ServerError, false],
    [err(503, 'unavailable'), OpenStackFailureType.ServerError, false],
    [new OpenStackTimeoutError('compute', 'GET', '/servers', 100), OpenStackFailureType.Timeout, false],
    [
      new OpenStackConnectionError('compute', 'GET', '/servers', new Error('ECONNREFUSED')),
      OpenStackFailureType.ConnectionError,
      false,
    ],
    [new EndpointNotFoundError('no public endpoint for load-balancer'), OpenStackFailureType.NoEndpoint, true],
  ];
  it.each(cases)('%s → %s (nonRetryable %s)', (e, type, nonRetryable) => {
    const f = toActivityFailure(e);
    expect(f).toBeInstanceOf(ApplicationFailure);
    expect(f.type).toBe(type);
    expect(f.nonRetryable).toBe(nonRetryable);
    expect(f.message).toBe(e instanceof OpenStackError ? `POST /v2.1/servers → ${e.status}: ${e.message}` : e.message);
  });

  it('knows a 404 whether raw or already an activity failure', () => {
    expect(isNotFound(err(404, 'gone'))).toBe(true);
    expect(isNotFound(toActivityFailure(err(404, 'gone')))).toBe(true);
    expect(isNotFound(err(409, 'busy'))).toBe(false);
    expect(isNotFound(new Error('x'))).toBe(false);
  });

  it('carries status, code and request id as details, and honours Retry-After', () => {
    const f = toActivityFailure(err(429, 'slow', 'overLimit', { requestId: 'req-1', retryAfterSeconds: 7 }));
    expect(f.details?.[0]).toMatchObject({ status: 429, service: 'compute', code: 'overLimit', requestId: 'req-1' });
    expect(f.nextRetryDelay).toBe(7000);
  });

  it('passes ApplicationFailures through and wraps unknown errors as retryable', () => {
    const own = ApplicationFailure.nonRetryable('x', 'Mine');
    expect(toActivityFailure(own)).toBe(own);
    const other = toActivityFailure(new TypeError('bad'));
    expect(other.type).toBe('TypeError');
    expect(other.nonRetryable).toBe(false);
  });
});
