import { neutronRule, ruleProblem } from './firewall';

describe('firewall rules', () => {
  it('maps to Neutron security group rules', () => {
    expect(neutronRule('g', { direction: 'ingress', protocol: 'tcp', portMin: 80 })).toEqual({
      security_group_id: 'g',
      direction: 'ingress',
      ethertype: 'IPv4',
      protocol: 'tcp',
      port_range_min: 80,
      port_range_max: 80,
    });
    expect(neutronRule('g', { direction: 'egress', protocol: 'any', remoteCidr: '10.0.0.0/8' })).toEqual({
      security_group_id: 'g',
      direction: 'egress',
      ethertype: 'IPv4',
      remote_ip_prefix: '10.0.0.0/8',
    });
  });

  it('refuses ports on icmp and a reversed range', () => {
    expect(ruleProblem({ direction: 'ingress', protocol: 'icmp', portMin: 1 })).toMatch(/only apply to tcp and udp/);
    expect(ruleProblem({ direction: 'ingress', protocol: 'udp', portMin: 90, portMax: 80 })).toBe(
      'portMin is above portMax',
    );
    expect(ruleProblem({ direction: 'ingress', protocol: 'udp', portMin: 53 })).toBeNull();
  });
});
