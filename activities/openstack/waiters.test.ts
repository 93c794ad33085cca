import { OpenStackError, OpenStackWaitError } from './errors';
import { waitForStatus } from './waiters';

const notFound = () => new OpenStackError({ status: 404, service: 'compute', message: 'gone', method: 'GET', path: '/servers/x' });

describe('waitForStatus', () => {
  it('polls until a target status, reporting every poll', async () => {
    const seq = ['BUILD', 'BUILD', 'ACTIVE'];
    const polls: string[] = [];
    const r = await waitForStatus('server', 'x', async () => ({ status: seq.shift()! }), (s) => s.status, ['ACTIVE'], { pollMs: 1, onPoll: (s) => void polls.push(s) });
    expect(r).toEqual({ status: 'ACTIVE' });
    expect(polls).toEqual(['BUILD', 'BUILD', 'ACTIVE']);
  });

  it('fails on a failOn status with the resource fault, and on timeout', async () => {
    await expect(
      waitForStatus('server', 'x', async () => ({ status: 'ERROR', fault: 'No valid host' }), (s) => s.status, ['ACTIVE'], { pollMs: 1, failOn: ['error'] }, (s) => s.fault),
    ).rejects.toMatchObject({ kind: 'failed', lastStatus: 'ERROR', message: expect.stringContaining('No valid host') });
    await expect(waitForStatus('server', 'x', async () => ({ status: 'BUILD' }), (s) => s.status, ['ACTIVE'], { pollMs: 5, timeoutMs: 20 })).rejects.toMatchObject({ kind: 'timeout', lastStatus: 'BUILD' });
  });

  it('treats a 404 as DELETED: the goal when waiting for deletion, a failure otherwise', async () => {
    await expect(waitForStatus('server', 'x', async () => Promise.reject(notFound()), () => '', ['DELETED'], { pollMs: 1 })).resolves.toBeUndefined();
    await expect(waitForStatus('server', 'x', async () => Promise.reject(notFound()), () => '', ['ACTIVE'], { pollMs: 1 })).rejects.toBeInstanceOf(OpenStackWaitError);
  });
});
