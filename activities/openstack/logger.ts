/** Temporal's activity logger shape (`Context.current().log`); pino fits through `fromPino`. */
export interface OpenStackLogger {
  debug(message: string, attrs?: Record<string, unknown>): void;
  info(message: string, attrs?: Record<string, unknown>): void;
  warn(message: string, attrs?: Record<string, unknown>): void;
}

export const silentLogger: OpenStackLogger = { debug() {}, info() {}, warn() {} };

interface PinoLike {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export function fromPino(p: PinoLike): OpenStackLogger {
  return {
    debug: (m, a) => p.debug(a ?? {}, m),
    info: (m, a) => p.info(a ?? {}, m),
    warn: (m, a) => p.warn(a ?? {}, m),
  };
}
