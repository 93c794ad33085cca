import { spawn } from 'node:child_process';

/**
 * A site's FTP login as pure-ftpd's virtual users file holds it (pure-pw's passwd format, compiled to PureDB
 * with `pure-pw mkdb`): chrooted to `home` (the `/./` suffix), files owned by `uid`:`gid`, `quotaBytes` at most.
 */
export interface FtpUser {
  login: string;
  /** crypt(3) hash of the password (SHA-512, `$6$`). */
  hash: string;
  uid: number;
  gid: number;
  home: string;
  quotaBytes: number;
}

const loginPattern = /^[a-z][a-z0-9-]{0,31}$/;

/** One line of the passwd file: login:hash:uid:gid:gecos:home/./: six limits, the size quota, five more fields. */
export function ftpPasswdLine(u: FtpUser): string {
  if (!loginPattern.test(u.login)) throw new Error(`refusing FTP login ${JSON.stringify(u.login)}`);
  if (!/^\$6\$[./A-Za-z0-9$]+$/.test(u.hash)) throw new Error('the FTP password hash is not a SHA-512 crypt hash');
  if (/[:\n\r]/.test(u.home) || !u.home.startsWith('/')) throw new Error(`refusing FTP home ${u.home}`);
  const home = `${u.home.replace(/\/+$/, '')}/./`;
  return [u.login, u.hash, u.uid, u.gid, '', home, '', '', '', '', '', '', Math.floor(u.quotaBytes), '', '', '', '', '']
    .map(String)
    .join(':');
}

/** The passwd file's text with `login`'s line replaced by `line` (or without it when `line` is null). */
export function withFtpUser(text: string, login: string, line: string | null): string {
  const kept = text.split('\n').filter((l) => l !== '' && !l.startsWith(`${login}:`));
  return [...kept, ...(line ? [line] : [])].map((l) => `${l}\n`).join('');
}

/** SHA-512 crypt hash of a password (`openssl passwd -6`, the password on standard input, never in argv). */
export function hashFtpPassword(password: string): Promise<string> {
  if (/[\n\r]/.test(password)) return Promise.reject(new Error('an FTP password cannot hold a line break'));
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['passwd', '-6', '-stdin'], {
      env: { ...process.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (err += String(d)));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`openssl passwd failed: ${err.trim()}`)),
    );
    child.stdin.end(`${password}\n`);
  });
}
