import { Worker } from '@temporalio/worker';
import { dataConverter } from '../../workers/data-converter';
import { pollerIdentities, waitPollerGone } from './processes';
import { connectTestTemporal, type TestTemporal } from './temporal';

/** What the crash tests' proof of a kill rests on: Temporal lists a live idle worker, and forgets a stopped one. */
describe('pollers on the test Temporal server', () => {
  let t: TestTemporal;
  beforeAll(async () => {
    t = await connectTestTemporal();
  });
  afterAll(async () => t?.close());

  it('lists an idle live worker all the time and drops it once it stops', async () => {
    const queue = `${t.prefix}idle`;
    const identity = `idle-${t.prefix}`;
    const worker = await Worker.create({
      connection: t.nativeConnection,
      taskQueue: queue,
      dataConverter: dataConverter(),
      activities: { async noop() {} },
      identity,
    });
    const running = worker.run();
    const seen: boolean[] = [];
    // Longer than the server's poller TTL (15 s) would matter only with 1-minute long polls: it must never blink.
    for (let i = 0; i < 20; i++) {
      seen.push((await pollerIdentities(t.client, queue)).includes(identity));
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(seen.every(Boolean)).toBe(true);
    worker.shutdown();
    await running;
    await waitPollerGone(t.client, [queue], identity, 40_000);
    expect(await pollerIdentities(t.client, queue)).not.toContain(identity);
  }, 90_000);
});
