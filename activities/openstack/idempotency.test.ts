import { findOrCreate, keyTag, storedKey } from './idempotency';

describe('idempotency keys', () => {
  it('keeps short keys readable and hashes long ones within 255 characters', () => {
    expect(keyTag('provision-7/server')).toBe('cmp_key:provision-7/server');
    const a = keyTag(`provision-${'a'.repeat(400)}/1`);
    const b = keyTag(`provision-${'a'.repeat(400)}/2`);
    expect(a.length).toBeLessThanOrEqual(255);
    expect(a).not.toBe(b);
    expect(storedKey('x'.repeat(300)).length).toBe(255);
  });

  it('creates only when the lookup finds nothing', async () => {
    let made = 0;
    const store: string[] = [];
    const ensure = () => findOrCreate(async () => store[0], async () => (store.push(`r${++made}`), store[0]!));
    expect(await ensure()).toEqual({ resource: 'r1', created: true });
    expect(await ensure()).toEqual({ resource: 'r1', created: false });
    expect(made).toBe(1);
  });
});
