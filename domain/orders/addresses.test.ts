import { macProblem, poolOf } from './addresses';

describe('order address rules', () => {
  it('takes unicast MACs only', () => {
    expect(macProblem('fa:16:3e:12:34:56')).toBeNull();
    expect(macProblem('FA:16:3E:12:34:56')).toBeNull();
    expect(macProblem('fa:16:3e:12:34')).toMatch(/not a MAC address/);
    expect(macProblem('01:00:5e:00:00:01')).toMatch(/multicast/);
    expect(macProblem('ff:ff:ff:ff:ff:ff')).toMatch(/multicast or broadcast/);
    expect(macProblem('00:00:00:00:00:00')).toMatch(/null MAC/);
  });

  it('places an address in an allocation pool or says why not', () => {
    const subnets = [
      { id: 's1', cidr: '10.0.0.0/24', ip_version: 4, allocation_pools: [{ start: '10.0.0.10', end: '10.0.0.200' }] },
    ];
    expect(poolOf('10.0.0.50', subnets, 'n')).toEqual({ subnetId: 's1', problem: null });
    expect(poolOf('10.0.0.1', subnets, 'n').problem).toBe(
      '10.0.0.1 is outside the allocation pools of subnet 10.0.0.0/24 (10.0.0.10-10.0.0.200)',
    );
    expect(poolOf('10.0.1.5', subnets, 'n').problem).toBe('10.0.1.5 is in no subnet of network n');
    expect(poolOf('10.0.0.300', subnets, 'n').problem).toMatch(/not an IPv4 address/);
  });
});
