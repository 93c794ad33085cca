import { ConfigError, parseConfig } from './index';

describe('configuration', () => {
  it('needs nothing: every default is the embedded one', () => {
    const c = parseConfig({});
    expect(c.PORT).toBe(8080);
    expect(c.database.kind).toBe('sqlite');
    expect(c.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(c.TEMPORAL_EMBEDDED).toBe(true);
    expect(c.SIMULATOR_EMBEDDED).toBe(true);
  });

  it('stops with a message naming each bad variable', () => {
    expect(() => parseConfig({ PORT: 'eighty', DATABASE_URL: 'postgres://x', TEMPORAL_EMBEDDED: 'maybe' })).toThrow(
      ConfigError,
    );
    try {
      parseConfig({ PORT: 'eighty', DATABASE_URL: 'postgres://x' });
    } catch (e) {
      expect((e as Error).message).toMatch(/PORT/);
      expect((e as Error).message).toMatch(/DATABASE_URL: must start with sqlite:, mysql:\/\/ or mariadb:\/\//);
    }
  });

  it('selects MySQL/MariaDB by DATABASE_URL', () => {
    expect(parseConfig({ DATABASE_URL: 'mariadb://u:p@db:3306/cmp' }).database).toEqual({
      kind: 'mysql',
      url: 'mysql://u:p@db:3306/cmp',
    });
  });

  it('treats empty variables as unset', () => {
    expect(parseConfig({ PORT: '' }).PORT).toBe(8080);
  });
});
