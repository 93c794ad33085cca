import { FaultTable } from './faults';

describe('FaultTable', () => {
  it('matches method and path, honours share and remaining count, adds latency', () => {
    const t = new FaultTable();
    const r = t.add({ method: 'get', path: '^/compute/v2\\.1/servers', status: 500, remaining: 1 });
    t.add({ path: '^/network/', latencyMs: 30 });
    expect(t.decide('POST', '/compute/v2.1/servers')).toEqual({ latencyMs: 0 });
    expect(t.decide('GET', '/compute/v2.1/servers/detail')).toMatchObject({ status: 500, ruleId: r.id });
    expect(t.decide('GET', '/compute/v2.1/servers').status).toBeUndefined();
    expect(t.decide('GET', '/network/v2.0/ports')).toEqual({ latencyMs: 30 });
    expect(t.list()[0]).toMatchObject({ hits: 1, remaining: 0 });
    t.add({ path: '.', status: 503, share: 0.5 });
    expect(t.decide('GET', '/x', () => 0.7).status).toBeUndefined();
    expect(t.decide('GET', '/x', () => 0.2).status).toBe(503);
    expect(t.remove(r.id)).toBe(true);
    t.clear();
    expect(t.list()).toEqual([]);
  });
});
