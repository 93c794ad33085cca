import {
  defaultSchedulingPolicy,
  evacuationOrder,
  haFlagsOf,
  observe,
  placeAll,
  planRebalance,
  selectHost,
  type HostCapacity,
  type SchedulingPolicy,
} from '.';

const host = (
  name: string,
  usedVcpus: number,
  usedMemoryMb: number,
  servers: number,
  schedulable = true,
): HostCapacity => ({
  name,
  schedulable,
  vcpus: 10,
  memoryMb: 10_000,
  usedVcpus,
  usedMemoryMb,
  servers,
});
const flat: SchedulingPolicy = { ...defaultSchedulingPolicy, cpuAllocationRatio: 1, ramAllocationRatio: 1 };
const small = { id: 's', vcpus: 1, memoryMb: 1000 };

describe('selectHost', () => {
  const hosts = [host('a', 6, 6000, 6), host('b', 2, 2000, 2), host('c', 0, 0, 0), host('down', 0, 0, 0, false)];

  it('spreads onto the least loaded host under load balancing', () => {
    expect(selectHost(flat, hosts, small, { purpose: 'migrate' })).toBe('c');
    expect(selectHost(flat, hosts, small, { purpose: 'migrate', exclude: ['c'] })).toBe('b');
  });

  it('packs onto the fullest host in use under energy saving, leaving empty hosts empty', () => {
    const p = { ...flat, strategy: 'energy_saving' as const };
    expect(selectHost(p, hosts, small, { purpose: 'create' })).toBe('a');
    const full = [host('a', 10, 10_000, 10), ...hosts.slice(1)];
    expect(selectHost(p, full, small, { purpose: 'create' })).toBe('b');
    expect(selectHost(p, [host('a', 10, 10_000, 10), host('c', 0, 0, 0)], small, { purpose: 'create' })).toBe('c');
  });

  it('honours capacity, allocation ratios and unschedulable hosts', () => {
    const big = { id: 'x', vcpus: 5, memoryMb: 9000 };
    expect(
      selectHost(flat, [host('a', 6, 6000, 6), host('down', 0, 0, 0, false)], big, { purpose: 'migrate' }),
    ).toBeUndefined();
    expect(
      selectHost({ ...flat, cpuAllocationRatio: 2, ramAllocationRatio: 1.5 }, [host('a', 6, 6000, 6)], big, {
        purpose: 'migrate',
      }),
    ).toBe('a');
  });

  it('sends evacuations to reserved hosts first and keeps other placements off them', () => {
    const p = { ...flat, reservedHosts: ['spare'] };
    const hs = [host('b', 2, 2000, 2), host('spare', 5, 5000, 1)];
    expect(selectHost(p, hs, small, { purpose: 'evacuate' })).toBe('spare');
    expect(selectHost(p, hs, small, { purpose: 'migrate' })).toBe('b');
    const fullSpare = [host('b', 2, 2000, 2), host('spare', 10, 10_000, 1)];
    expect(selectHost(p, fullSpare, small, { purpose: 'evacuate' })).toBe('b');
  });

  it('counts each claim before the next choice when placing many servers', () => {
    const demands = Array.from({ length: 12 }, (_, i) => ({ id: `s${i}`, vcpus: 1, memoryMb: 1000 }));
    const r = placeAll(flat, [host('a', 0, 0, 0), host('b', 0, 0, 0)], demands, { purpose: 'evacuate' });
    expect(r.assigned).toHaveLength(12);
    const perHost = r.assigned.reduce<Record<string, number>>((m, a) => ({ ...m, [a.host]: (m[a.host] ?? 0) + 1 }), {});
    expect(perHost).toEqual({ a: 6, b: 6 });
    const over = placeAll(flat, [host('a', 0, 0, 0)], demands, { purpose: 'evacuate' });
    expect(over.assigned).toHaveLength(10);
    expect(over.unplaced).toEqual(['s10', 's11']);
  });
});

describe('evacuation order', () => {
  it('puts HA-enabled servers first, then higher priority, then by name', () => {
    const s = (id: string, haEnabled: boolean, priority: number) => ({ id, name: id, haEnabled, priority });
    const order = evacuationOrder([
      s('d', false, 9),
      s('c', true, 1),
      s('b', true, 5),
      s('a', false, 0),
      s('e', true, 5),
    ]);
    expect(order.map((x) => x.id)).toEqual(['b', 'e', 'c', 'd', 'a']);
  });

  it('reads cmp_ha and cmp_priority metadata and ignores garbage', () => {
    expect(haFlagsOf({ cmp_ha: 'true', cmp_priority: '7' })).toEqual({ haEnabled: true, priority: 7 });
    expect(haFlagsOf({ cmp_ha: 'nope', cmp_priority: 'high' })).toEqual({ haEnabled: false, priority: 0 });
    expect(haFlagsOf(undefined)).toEqual({ haEnabled: false, priority: 0 });
  });
});

describe('failure detection', () => {
  const rule = { misses: 3, windowMs: 30_000 };
  it('declares failure only after consecutive misses within the window', () => {
    let st = { missTimes: [] as number[] };
    const step = (up: boolean, at: number) => {
      const r = observe(st, { up, at }, rule);
      st = r.state;
      return r.failed;
    };
    expect(step(false, 0)).toBe(false);
    expect(step(false, 10_000)).toBe(false);
    expect(step(true, 20_000)).toBe(false); // one heartbeat resets the run
    expect(step(false, 30_000)).toBe(false);
    expect(step(false, 40_000)).toBe(false);
    expect(step(false, 50_000)).toBe(true);
  });

  it('does not add up misses spread beyond the window', () => {
    let st = { missTimes: [] as number[] };
    for (const at of [0, 40_000, 80_000]) st = observe(st, { up: false, at }, rule).state;
    expect(observe(st, { up: false, at: 120_000 }, rule).failed).toBe(false);
    expect(observe(observe(st, { up: false, at: 90_000 }, rule).state, { up: false, at: 100_000 }, rule).failed).toBe(
      true,
    );
  });
});

describe('rebalance planning', () => {
  const srv = (id: string, hostName: string, vcpus = 1, memoryMb = 1000) => ({
    id,
    name: id,
    host: hostName,
    vcpus,
    memoryMb,
  });

  it('spreads servers from a hot host under load balancing and reports the narrower spread', () => {
    const servers = [...Array.from({ length: 8 }, (_, i) => srv(`a${i}`, 'a')), srv('b0', 'b')];
    const plan = planRebalance(flat, [host('a', 8, 8000, 8), host('b', 1, 1000, 1), host('c', 0, 0, 0)], servers);
    expect(plan.moves.length).toBeGreaterThan(0);
    expect(plan.moves.every((m) => m.from === 'a')).toBe(true);
    expect(plan.effect.spreadAfter).toBeLessThan(plan.effect.spreadBefore);
    expect(Math.max(...Object.values(plan.effect.loadAfter))).toBeLessThanOrEqual(0.3);
  });

  it('empties lightly used hosts under energy saving and proposes them for power-off', () => {
    const p = { ...flat, strategy: 'energy_saving' as const };
    const servers = [
      ...Array.from({ length: 5 }, (_, i) => srv(`a${i}`, 'a')),
      srv('b0', 'b'),
      srv('c0', 'c'),
      srv('c1', 'c'),
    ];
    const plan = planRebalance(p, [host('a', 5, 5000, 5), host('b', 1, 1000, 1), host('c', 2, 2000, 2)], servers);
    expect(plan.effect.powerOffCandidates.sort()).toEqual(['b', 'c']);
    expect(plan.effect.hostsInUseAfter).toBe(1);
    expect(plan.moves.map((m) => m.to)).toEqual(['a', 'a', 'a']);
  });

  it('proposes nothing when hosts are already balanced', () => {
    const plan = planRebalance(
      flat,
      [host('a', 2, 2000, 2), host('b', 2, 2000, 2)],
      [srv('1', 'a'), srv('2', 'a'), srv('3', 'b'), srv('4', 'b')],
    );
    expect(plan.moves).toEqual([]);
  });
});
