import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** `promtool check rules` refused the file: `problems` are its lines naming what is wrong. */
export class RulesRefused extends Error {
  constructor(readonly problems: string[]) {
    super(`Prometheus refuses the rules: ${problems.join('; ')}`);
  }
}

/** Checks a rule file's text with `promtool check rules`; throws RulesRefused with promtool's reasons. */
export async function checkRules(promtool: string, text: string): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cmp-rules-'));
  const file = path.join(dir, 'rules.yml');
  try {
    writeFileSync(file, text);
    await run(promtool, ['check', 'rules', file], { timeout: 30_000 });
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string; message: string };
    if (err.code === 'ENOENT')
      throw new Error(`${promtool} is not installed (Debian's prometheus package ships it)`, { cause: e });
    const lines = `${err.stderr ?? ''}\n${err.stdout ?? ''}`.split('\n').map((l) => l.replace(file, 'rules').trim());
    const problems = lines.filter((l) => l && !/^Checking |^FAILED:?$|^SUCCESS/.test(l));
    throw new RulesRefused(problems.length ? problems : [err.message]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Replaces the rule file atomically (a reader never sees half a file). */
export function writeRuleFile(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Asks Prometheus to re-read its configuration and rules (`--web.enable-lifecycle`); throws with its reason. */
export async function reloadPrometheus(baseUrl: string, timeoutMs = 10_000): Promise<void> {
  const res = await fetch(new URL('/-/reload', baseUrl), { method: 'POST', signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`Prometheus reload failed (${res.status}): ${(await res.text()).trim()}`);
}
