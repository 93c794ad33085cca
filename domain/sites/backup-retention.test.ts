import { beyondRetention } from './backup-retention';

const b = (id: string, minute: number, complete = true, removable = true) => ({
  id,
  createdAt: `2026-12-03T10:${String(minute).padStart(2, '0')}:00.000000`,
  complete,
  removable,
});

describe('beyondRetention', () => {
  it('removes what is older than the newest `keep` complete backups, in any order given', () => {
    const all = [b('c', 3), b('a', 1), b('d', 4), b('b', 2)];
    expect(beyondRetention(all, 2).map((x) => x.id)).toEqual(['b', 'a']);
    expect(beyondRetention(all, 4)).toEqual([]);
  });

  it('keeps newer failed or unfinished backups and does not count them; older failed ones go', () => {
    const all = [
      b('new-failed', 5, false),
      b('running', 6, false, false),
      b('r4', 4),
      b('r3', 3),
      b('old-failed', 2, false),
      b('r1', 1),
    ];
    expect(beyondRetention(all, 2).map((x) => x.id)).toEqual(['old-failed', 'r1']);
  });

  it('leaves what may not be removed (being restored) and never keeps fewer than one', () => {
    const all = [b('r3', 3), b('r2', 2, true, false), b('r1', 1)];
    expect(beyondRetention(all, 1).map((x) => x.id)).toEqual(['r1']);
    expect(beyondRetention(all, 0).map((x) => x.id)).toEqual(['r1']);
  });

  it('orders equal times by id, and takes Dates as well as Cinder times', () => {
    const at = new Date('2026-12-03T10:00:00Z');
    const all = [
      { id: 'x1', createdAt: at, complete: true, removable: true },
      { id: 'x2', createdAt: at, complete: true, removable: true },
    ];
    expect(beyondRetention(all, 1).map((x) => x.id)).toEqual(['x1']);
  });
});
