import { readdirSync, readFileSync } from 'node:fs';

export interface Survivor {
  pid: number;
  command: string;
}

/** Processes whose environment carries `name=value` (read from /proc; none on systems without it). */
export function processesMarked(name: string, value: string): Survivor[] {
  const needle = `${name}=${value}`;
  const found: Survivor[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return found;
  }
  for (const d of pids) {
    const pid = Number(d);
    if (pid === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${d}/environ`, 'latin1').split('\0').includes(needle)) continue;
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      found.push({
        pid,
        command: readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 200),
      });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}
