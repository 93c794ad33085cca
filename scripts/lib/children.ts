import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface Child {
  name: string;
  proc: ChildProcess;
}

const tsx = path.resolve(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');

/** Runs a TypeScript entry point with tsx, its output prefixed by its name. */
export function spawnTs(name: string, entry: string, env: NodeJS.ProcessEnv, args: string[] = []): Child {
  const proc = spawn(tsx, [entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) => {
    let rest = '';
    stream?.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) out.write(`[${name}] ${line}\n`);
    });
  };
  prefix(proc.stdout, process.stdout);
  prefix(proc.stderr, process.stderr);
  return { name, proc };
}

/** Stops children in reverse start order: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopAll(children: Child[], graceMs = 8000): Promise<void> {
  for (const c of [...children].reverse()) {
    if (c.proc.exitCode !== null || c.proc.signalCode !== null) continue;
    const exited = new Promise((r) => c.proc.once('exit', r));
    c.proc.kill('SIGTERM');
    const timer = setTimeout(() => c.proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
