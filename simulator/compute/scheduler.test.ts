import { SimCloud } from '../core/cloud';
import { ComputeStore } from './store';
import { selectHost, freeCapacity } from './scheduler';
import type { Flavor } from './model';

const flavor = (vcpus: number, ram: number, disk: number): Flavor => ({
  id: 'x',
  name: 'x',
  vcpus,
  ram,
  disk,
  ephemeral: 0,
  swap: 0,
  rxtxFactor: 1,
  isPublic: true,
  disabled: false,
  description: null,
  extraSpecs: {},
});

function store(hosts = 3) {
  const cloud = new SimCloud({ hosts, hostVcpus: 4, hostMemoryMb: 1000, hostDiskGb: 100, heartbeatTimeoutMs: 10 });
  return new ComputeStore(cloud);
}

describe('scheduler', () => {
  it('applies allocation ratios (cpu 16, ram 1.5, disk 1.0)', () => {
    const s = store(1);
    const h = s.hosts.get('compute-01')!;
    expect(freeCapacity(h, s.cloud.options)).toEqual({ vcpus: 64, memoryMb: 1500, diskGb: 100 });
    expect(selectHost(s, { flavor: flavor(64, 1500, 100), diskGb: 100 })?.name).toBe('compute-01');
    expect(selectHost(s, { flavor: flavor(65, 1, 1), diskGb: 1 })).toBeUndefined();
    expect(selectHost(s, { flavor: flavor(1, 1501, 1), diskGb: 1 })).toBeUndefined();
    expect(selectHost(s, { flavor: flavor(1, 1, 101), diskGb: 101 })).toBeUndefined();
  });

  it('spreads by free RAM and skips disabled, forced-down and silent hosts', () => {
    const s = store(3);
    s.hosts.get('compute-01')!.usedMemoryMb = 500;
    s.hosts.get('compute-02')!.usedMemoryMb = 100;
    s.hosts.get('compute-03')!.usedMemoryMb = 300;
    expect(selectHost(s, { flavor: flavor(1, 10, 1), diskGb: 1 })?.name).toBe('compute-02');
    s.hosts.get('compute-02')!.disabled = true;
    expect(selectHost(s, { flavor: flavor(1, 10, 1), diskGb: 1 })?.name).toBe('compute-03');
    s.hosts.get('compute-03')!.forcedDown = true;
    expect(selectHost(s, { flavor: flavor(1, 10, 1), diskGb: 1 })?.name).toBe('compute-01');
    const h1 = s.hosts.get('compute-01')!;
    h1.heartbeating = false;
    h1.lastHeartbeat = Date.now() - 1000;
    expect(selectHost(s, { flavor: flavor(1, 10, 1), diskGb: 1 })).toBeUndefined();
  });

  it('honours a requested host, an availability zone and exclusions', () => {
    const s = store(3);
    expect(selectHost(s, { flavor: flavor(1, 10, 1), diskGb: 1, host: 'compute-03' })?.name).toBe('compute-03');
    expect(selectHost(s, { flavor: flavor(1, 10, 1), diskGb: 1, host: 'nowhere' })).toBeUndefined();
    s.hosts.get('compute-02')!.az = 'fast';
    expect(selectHost(s, { flavor: flavor(1, 10, 1), diskGb: 1, az: 'fast' })?.name).toBe('compute-02');
    expect(selectHost(s, { flavor: flavor(1, 10, 1), diskGb: 1, az: 'fast', exclude: ['compute-02'] })).toBeUndefined();
  });
});
