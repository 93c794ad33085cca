import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `DATA_DIR/run/<name>.pid`, one per running child of the launcher, so an operator (or a test) can signal
 * the process that does the work. Stale files of an earlier run are removed at start.
 */
export class PidFiles {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.clear();
  }

  clear(): void {
    for (const f of readdirSync(this.dir)) if (f.endsWith('.pid')) rmSync(path.join(this.dir, f), { force: true });
  }

  write(name: string, pid: number): void {
    writeFileSync(path.join(this.dir, `${name}.pid`), `${pid}\n`);
  }

  remove(name: string): void {
    rmSync(path.join(this.dir, `${name}.pid`), { force: true });
  }
}
