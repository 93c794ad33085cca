import { createOpenStackClient, passwordCloud, TokenCache } from './index';
import { Placement } from './provision-placement';
import { startStubCloud, type StubHandler } from './testing/stub-cloud';

let handler: StubHandler = () => undefined;
let stub: Awaited<ReturnType<typeof startStubCloud>>;
beforeAll(async () => {
  stub = await startStubCloud((r) => handler(r));
});
afterAll(() => stub.close());

const admin = () =>
  createOpenStackClient(
    passwordCloud({ authUrl: stub.authUrl, username: 'admin', password: 'pw', projectName: 'admin' }),
    { tokenCache: new TokenCache() },
  );
const server = (host: string, task: string | null = null) => ({
  body: { server: { id: 's', status: 'ACTIVE', 'OS-EXT-SRV-ATTR:host': host, 'OS-EXT-STS:task_state': task } },
});

describe('Placement', () => {
  it('live-migrates an ACTIVE server once to the chosen host and settles when it is there', async () => {
    let at = 'compute-02';
    let task: string | null = null;
    const moves: unknown[] = [];
    handler = (r) => {
      if (r.method === 'POST' && r.path.endsWith('/servers/s/action')) {
        moves.push(r.body);
        task = 'migrating';
        return { status: 202 };
      }
      return r.path.endsWith('/servers/s') ? server(at, task) : undefined;
    };
    const p = new Placement(admin(), 's', 'compute-01');
    expect(await p.settled()).toBe(false);
    expect(await p.settled()).toBe(false);
    at = 'compute-01';
    task = null;
    expect(await p.settled()).toBe(true);
    expect(moves).toEqual([{ 'os-migrateLive': { host: 'compute-01', block_migration: 'auto' } }]);
  });

  it('leaves the server where it booted when Nova refuses the move, and does nothing without a chosen host', async () => {
    let posts = 0;
    handler = (r) => {
      if (r.method === 'POST') {
        posts++;
        return {
          status: 400,
          body: { badRequest: { code: 400, message: 'Compute service of compute-01 is unavailable at this time.' } },
        };
      }
      return r.path.endsWith('/servers/s') ? server('compute-02') : undefined;
    };
    expect(await new Placement(admin(), 's', 'compute-01').settled()).toBe(true);
    expect(posts).toBe(1);
    expect(await new Placement(admin(), 's', null).settled()).toBe(true);
    expect(posts).toBe(1);
  });
});
