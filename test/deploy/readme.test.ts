import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configVariableNames } from '../../config';

const root = path.resolve(__dirname, '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('README stays true', () => {
  it('opens with the two commands, and both are npm scripts', () => {
    const firstBlock = readme.split('```')[1];
    const commands = firstBlock
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('bash'))
      .map((l) => l.split('#')[0].trim());
    expect(commands).toEqual(['npm run up', 'npm test']);
    expect(pkg.scripts.up).toBeDefined();
    expect(pkg.scripts.test).toBeDefined();
  });

  it('lists every configuration variable in its table', () => {
    const missing = configVariableNames.filter((v) => !readme.includes(`\`${v}\``));
    expect(missing).toEqual([]);
  });

  it('has .ci/run call the same test command', () => {
    expect(readFileSync(path.join(root, '.ci', 'run'), 'utf8')).toContain('scripts/test.sh');
    expect(pkg.scripts.test).toBe('bash scripts/test.sh');
  });
});
