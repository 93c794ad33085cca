import { MockActivityEnvironment } from '@temporalio/testing';
import { heartbeatingWait, openStackClient } from './activity-support';
import { passwordCloud } from './config';
import { waitForStatus } from './waiters';

describe('activity support', () => {
  it('heartbeats every poll of a waiter run inside an activity', async () => {
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const seq = ['BUILD', 'ACTIVE'];
    await env.run(() => waitForStatus('server', 'x', async () => ({ status: seq.shift()! }), (s) => s.status, ['ACTIVE'], heartbeatingWait({ pollMs: 1 })));
    expect(beats).toEqual([{ status: 'BUILD' }, { status: 'ACTIVE' }]);
  });

  it('shares one client per cloud', () => {
    const cfg = passwordCloud({ authUrl: 'http://127.0.0.1:1/v3', username: 'u', password: 'p', projectName: 'x' });
    expect(openStackClient(cfg)).toBe(openStackClient({ ...cfg }));
  });
});
