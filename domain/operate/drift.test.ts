import { diffDrift, type CloudObject, type TrackedObject } from './drift';

const t = (id: string, kind = 'server', createdAt = '2026-01-01T00:00:00.000Z'): TrackedObject => ({
  resourceId: `r-${id}`,
  kind,
  openstackId: id,
  tenantId: 't1',
  createdAt,
});
const o = (id: string, kind = 'server', projectId = 'p1', name = id): CloudObject => ({
  kind,
  id,
  name,
  projectId,
  status: 'ACTIVE',
});

describe('diffDrift', () => {
  const listedAt = '2026-02-01T00:00:00.000Z';

  it('finds recorded objects the cloud no longer lists, but not rows younger than the listing', () => {
    const r = diffDrift(
      [t('a'), t('b'), t('c', 'server', '2026-03-01T00:00:00.000Z')],
      [o('a')],
      { p1: 't1' },
      listedAt,
    );
    expect(r.missing.map((m) => m.openstackId)).toEqual(['b']);
  });

  it('compares kinds separately', () => {
    const r = diffDrift([t('a', 'volume')], [o('a', 'server')], { p1: 't1' }, listedAt);
    expect(r.missing.map((m) => m.openstackId)).toEqual(['a']);
    expect(r.unknown.map((u) => `${u.kind}/${u.id}`)).toEqual(['server/a']);
  });

  it('reports unknown objects only in tenants projects, skipping default security groups', () => {
    const r = diffDrift(
      [],
      [
        o('x', 'server', 'p1'),
        o('y', 'server', 'admin'),
        o('sg', 'security_group', 'p1', 'default'),
        o('sg2', 'security_group', 'p1', 'web'),
      ],
      { p1: 't1' },
      listedAt,
    );
    expect(r.unknown.map((u) => [u.id, u.tenantId])).toEqual([
      ['x', 't1'],
      ['sg2', 't1'],
    ]);
  });
});
