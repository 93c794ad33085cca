import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

/** A passive check result: a service of a host, or the host itself when `service` is absent. */
export interface PassiveResult {
  host: string;
  service?: string;
  /** Services: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Hosts: 0 UP, 1 DOWN, 2 UNREACHABLE. */
  code: 0 | 1 | 2 | 3;
  output: string;
}

/** send_nsca's block delimiter (ETB) between results. */
const ETB = String.fromCharCode(0x17);

/** Plugin output is one line without the field and block delimiters; `|` starts the performance data. */
const oneLine = (s: string) =>
  s
    .split(ETB)
    .join(' ')
    .replace(/[\r\n\t;]+/g, ' ')
    .slice(0, 1000);

/** Lines of Nagios's external command file for these results. */
export function externalCommands(results: PassiveResult[], now = Date.now()): string {
  const t = Math.floor(now / 1000);
  return results
    .map((r) =>
      r.service
        ? `[${t}] PROCESS_SERVICE_CHECK_RESULT;${r.host};${r.service};${r.code};${oneLine(r.output)}`
        : `[${t}] PROCESS_HOST_CHECK_RESULT;${r.host};${r.code};${oneLine(r.output)}`,
    )
    .map((l) => `${l}\n`)
    .join('');
}

/** Writes results to the command file (a FIFO Nagios reads; appending to it is one write per batch). */
export function writeCommandFile(file: string, results: PassiveResult[]): void {
  if (results.length) appendFileSync(file, externalCommands(results));
}

/** Sends results through NSCA with `send_nsca` (Debian's nsca-client): tab-separated fields, ETB between results. */
export function sendNsca(
  address: string,
  configFile: string | undefined,
  results: PassiveResult[],
  bin = 'send_nsca',
): Promise<void> {
  if (!results.length) return Promise.resolve();
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), address.slice(address.lastIndexOf(':') + 1)];
  const args = ['-H', host, '-p', port, '-to', '10', ...(configFile ? ['-c', configFile] : [])];
  const input = results
    .map((r) => [r.host, ...(r.service ? [r.service] : []), String(r.code), oneLine(r.output)].join('\t'))
    .join(ETB);
  return new Promise((resolve, reject) => {
    const proc = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d) => (out += String(d)));
    proc.stderr.on('data', (d) => (out += String(d)));
    proc.once('error', reject);
    proc.once('exit', (code) => {
      const sent = /(\d+) data packet\(s\) sent/.exec(out);
      if (code === 0 && sent && Number(sent[1]) === results.length) resolve();
      else reject(new Error(`send_nsca to ${address} failed (exit ${code}): ${out.trim()}`));
    });
    proc.stdin.end(`${input}${ETB}`);
  });
}
