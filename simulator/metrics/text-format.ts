const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** `{k="v",...}` with Prometheus escaping. */
export const labels = (l: Record<string, string>) =>
  '{' +
  Object.entries(l)
    .map(([k, v]) => `${k}="${esc(v)}"`)
    .join(',') +
  '}';

/** One metric family of the text exposition; families without samples are left out of the output. */
export class Family {
  readonly samples: string[] = [];
  constructor(
    readonly name: string,
    readonly type: 'gauge' | 'counter',
    readonly help: string,
  ) {}

  add(l: string, value: number): void {
    this.samples.push(`${this.name}${l} ${value}`);
  }
}

export function exposition(families: Family[]): string {
  const used = families.filter((f) => f.samples.length);
  if (!used.length) return '';
  return (
    used.map((f) => [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.samples].join('\n')).join('\n') +
    '\n'
  );
}
