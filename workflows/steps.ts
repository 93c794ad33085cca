/** One step of a long process as its progress query shows it. */
export interface ProvisionStep {
  name: string;
  state: 'running' | 'done' | 'failed' | 'compensated';
  detail?: string;
}

export type Step = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/** A step runner that records each step in `steps`: running, then done, or failed with its cause's message. */
export function recordedStep(steps: ProvisionStep[]): Step {
  return async (name, fn) => {
    const s: ProvisionStep = { name, state: 'running' };
    steps.push(s);
    try {
      const out = await fn();
      s.state = 'done';
      return out;
    } catch (e) {
      s.state = 'failed';
      s.detail = (e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message;
      throw e;
    }
  };
}
