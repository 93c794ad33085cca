import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => lines.join('') };
}

describe('logger', () => {
  it('never writes secrets, wherever they sit in the logged object', () => {
    const out = capture();
    const logger = createLogger('info', 'test', out.stream);
    logger.info(
      {
        password: 'hunter2-Secret',
        user: { token: 'tok-123456', name: 'ann' },
        req: { headers: { authorization: 'Bearer abc.def' } },
        cfg: { OS_PASSWORD: 'os-pw-999' },
        refreshToken: 'refresh-xyz',
      },
      'login',
    );
    const text = out.text();
    for (const secret of ['hunter2-Secret', 'tok-123456', 'Bearer abc.def', 'os-pw-999', 'refresh-xyz'])
      expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
    expect(text).toContain('ann');
  });
});
