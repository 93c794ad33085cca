import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMetricsActivities, groupCpuQuery } from './group-cpu';

describe('group CPU activity (Prometheus HTTP API)', () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const q = new URL(req.url!, 'http://x').searchParams.get('query')!;
      seen.push(q);
      res.setHeader('content-type', 'application/json');
      if (q.includes('broken')) {
        res.statusCode = 400;
        res.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }));
      } else if (q.includes('[60s]')) {
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
      } else {
        res.end(
          JSON.stringify({
            status: 'success',
            data: { resultType: 'vector', result: [{ metric: {}, value: [1, '42.5'] }] },
          }),
        );
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('builds the averaged, percent query for the group label', () => {
    expect(groupCpuQuery('sim_server_cpu_utilisation', 'g"1', 30)).toBe(
      '100 * avg(avg_over_time(sim_server_cpu_utilisation{cmp_group="g\\"1"}[30s]))',
    );
  });

  it('answers each window, leaving out windows without samples', async () => {
    const a = createMetricsActivities({ prometheusUrl: url, cpuMetric: 'm' });
    expect(await a.groupCpuAverage({ groupId: 'g', windows: [5, 60, 5] })).toEqual({ 5: 42.5 });
    expect(seen.filter((q) => q.includes('[5s]'))).toHaveLength(1);
  });

  it('fails a rejected query as non-retryable PrometheusBadQuery', async () => {
    const a = createMetricsActivities({ prometheusUrl: url, cpuMetric: 'broken' });
    await expect(a.groupCpuAverage({ groupId: 'g', windows: [5] })).rejects.toMatchObject({
      type: 'PrometheusBadQuery',
      nonRetryable: true,
    });
  });
});
