import { readFileSync } from 'node:fs';
import path from 'node:path';

const dir = path.resolve(__dirname, '..', '..', 'config', 'site-templates');
const cache = new Map<string, string>();

export type SiteTemplate =
  | 'nginx-main.conf'
  | 'nginx-vhost.conf'
  | 'apache-vhost.conf'
  | 'php-fpm-main.conf'
  | 'php-fpm-pool.conf'
  | 'front-door-main.conf'
  | 'front-door-route.conf';

/** A template of config/site-templates with every `{{name}}` replaced; a name without a value is an error. */
export function renderTemplate(name: SiteTemplate, values: Record<string, string | number>): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(path.join(dir, name), 'utf8');
    cache.set(name, text);
  }
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`template ${name} needs a value for ${key}`);
    const s = String(v);
    // Values land in config files: a newline, brace or semicolon would let them add directives.
    if (/[\n\r{};]/.test(s) && !key.endsWith('Line') && !key.endsWith('Lines'))
      throw new Error(`template value ${key} holds a character config files treat as syntax`);
    return s;
  });
}
