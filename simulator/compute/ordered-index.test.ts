import { OrderedIndex } from './ordered-index';

describe('OrderedIndex', () => {
  it('walks newest first, from a marker, skipping removed ids', () => {
    const idx = new OrderedIndex();
    for (const id of ['a', 'b', 'c', 'd', 'e']) idx.add(id);
    idx.remove('c');
    expect([...idx.newestFirst()]).toEqual(['e', 'd', 'b', 'a']);
    expect([...idx.newestFirst('d')]).toEqual(['b', 'a']);
    expect([...idx.newestFirst('zzz')]).toEqual([]);
    expect(idx.size).toBe(4);
    expect(idx.has('c')).toBe(false);
  });

  it('empties in place for a state restore and fills again', () => {
    const idx = new OrderedIndex();
    for (const id of ['a', 'b']) idx.add(id);
    idx.clear();
    expect([idx.size, idx.has('a'), [...idx.newestFirst()]]).toEqual([0, false, []]);
    idx.add('c');
    expect([...idx.newestFirst()]).toEqual(['c']);
  });

  it('stays correct across compaction', () => {
    const idx = new OrderedIndex();
    for (let i = 0; i < 5000; i++) idx.add(`s${i}`);
    for (let i = 0; i < 4000; i++) idx.remove(`s${i}`);
    expect(idx.size).toBe(1000);
    expect([...idx.newestFirst('s4002')]).toEqual(['s4001', 's4000']);
    idx.add('new');
    expect(idx.newestFirst().next().value).toBe('new');
  });

  it('pages in O(page): reading 100 after a marker does not touch the rest', () => {
    const idx = new OrderedIndex();
    for (let i = 0; i < 200_000; i++) idx.add(`s${i}`);
    const t = performance.now();
    const it = idx.newestFirst('s100000');
    const page: string[] = [];
    for (const id of it) {
      page.push(id);
      if (page.length === 100) break;
    }
    expect(page[0]).toBe('s99999');
    expect(performance.now() - t).toBeLessThan(50);
  });
});
