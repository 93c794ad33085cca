import { connect, type Socket } from 'node:net';

/** A reply of the FTP control connection: its code and its text (every line of a multi-line reply). */
export interface FtpReply {
  code: number;
  text: string;
}

/** An FTP command answered with a code outside the expected ones. */
export class FtpError extends Error {
  constructor(
    readonly command: string,
    readonly reply: FtpReply,
  ) {
    super(`${command.startsWith('PASS ') ? 'PASS ***' : command}: ${reply.code} ${reply.text.trim()}`);
  }
}

/**
 * A minimal FTP client for the tests (RFC 959, passive mode, binary type): login, list, store, retrieve,
 * change directory. Enough to drive pure-ftpd the way a tenant's client does.
 */
export class FtpClient {
  private buffer = '';
  private waiters: Array<(r: FtpReply) => void> = [];
  private replies: FtpReply[] = [];

  private constructor(
    private readonly control: Socket,
    private readonly host: string,
  ) {
    control.setEncoding('utf8');
    control.on('data', (d: string) => this.onData(d));
    control.on('error', () => undefined);
  }

  static async connect(host: string, port: number): Promise<FtpClient> {
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new FtpClient(socket, host);
    const hello = await client.reply();
    if (hello.code !== 220) throw new FtpError('(greeting)', hello);
    return client;
  }

  private onData(d: string) {
    this.buffer += d;
    for (;;) {
      // A reply ends with a line "NNN text" (a multi-line one starts "NNN-").
      const m = /^(\d{3}) [^\n]*\r?\n/m.exec(this.buffer);
      if (!m) return;
      const end = m.index + m[0].length;
      const reply = { code: Number(m[1]), text: this.buffer.slice(0, end) };
      this.buffer = this.buffer.slice(end);
      const w = this.waiters.shift();
      if (w) w(reply);
      else this.replies.push(reply);
    }
  }

  private reply(): Promise<FtpReply> {
    const r = this.replies.shift();
    if (r) return Promise.resolve(r);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async send(command: string, ...expect: number[]): Promise<FtpReply> {
    this.control.write(`${command}\r\n`);
    const r = await this.reply();
    if (expect.length && !expect.includes(r.code)) throw new FtpError(command, r);
    return r;
  }

  async login(user: string, password: string): Promise<void> {
    await this.send(`USER ${user}`, 331);
    await this.send(`PASS ${password}`, 230);
    await this.send('TYPE I', 200);
  }

  /** A passive data connection, opened before the command that uses it. */
  private async passive(): Promise<Socket> {
    const r = await this.send('PASV', 227);
    const m = /(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)/.exec(r.text);
    if (!m) throw new FtpError('PASV', r);
    const port = Number(m[5]) * 256 + Number(m[6]);
    const data = connect(port, this.host);
    await new Promise<void>((resolve, reject) => {
      data.once('connect', resolve);
      data.once('error', reject);
    });
    return data;
  }

  private async transfer(command: string, send?: Buffer): Promise<Buffer> {
    const data = await this.passive();
    const chunks: Buffer[] = [];
    data.on('data', (c: Buffer) => chunks.push(c));
    const closed = new Promise<void>((resolve) => data.once('close', () => resolve()));
    data.on('error', () => undefined);
    const start = await this.send(command);
    if (start.code !== 150 && start.code !== 125) {
      data.destroy();
      throw new FtpError(command, start);
    }
    if (send) data.end(send);
    await closed;
    const done = await this.reply();
    if (done.code !== 226 && done.code !== 250) throw new FtpError(command, done);
    return Buffer.concat(chunks);
  }

  /** Names in a directory (NLST), without `.` and `..`. */
  async list(dir = ''): Promise<string[]> {
    const out = await this.transfer(dir ? `NLST ${dir}` : 'NLST');
    return out
      .toString('utf8')
      .split(/\r?\n/)
      .filter((n) => n && n !== '.' && n !== '..');
  }

  async put(file: string, content: Buffer | string): Promise<void> {
    await this.transfer(`STOR ${file}`, Buffer.from(content));
  }

  async get(file: string): Promise<Buffer> {
    return this.transfer(`RETR ${file}`);
  }

  async cwd(dir: string): Promise<void> {
    await this.send(`CWD ${dir}`, 250);
  }

  async pwd(): Promise<string> {
    const r = await this.send('PWD', 257);
    return /"(.*)"/.exec(r.text)?.[1] ?? '';
  }

  async close(): Promise<void> {
    try {
      await this.send('QUIT');
    } finally {
      this.control.destroy();
    }
  }
}
