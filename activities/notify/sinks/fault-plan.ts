/** Refusals a sink answers with before it accepts again: a test's way to make a provider fail. */
export class FaultPlan<F> {
  private readonly queue: F[] = [];

  /** The next `times` requests are refused with `fault`. */
  add(fault: F, times = 1): void {
    for (let i = 0; i < times; i++) this.queue.push(fault);
  }

  next(): F | undefined {
    return this.queue.shift();
  }

  clear(): void {
    this.queue.length = 0;
  }
}
