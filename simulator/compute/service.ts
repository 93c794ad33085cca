import type { Persistable, SimCloud } from '../core/cloud';
import { ComputeStore } from './store';
import { ComputeNetworking } from './networking';
import { ComputeBlockStorage } from './block-storage';
import { ComputeImages } from './images';
import type { Server } from './model';

/** Everything Nova: its store plus its clients of the other services. Registered as `compute`. */
export class ComputeService implements Persistable {
  readonly store: ComputeStore;
  readonly networking: ComputeNetworking;
  readonly blockStorage: ComputeBlockStorage;
  readonly images: ComputeImages;
  /** Bumped on every state change of a server so a delayed transition can tell it was overtaken. */
  private readonly generations = new Map<string, number>();

  constructor(readonly cloud: SimCloud) {
    this.store = new ComputeStore(cloud);
    this.networking = new ComputeNetworking(cloud);
    this.blockStorage = new ComputeBlockStorage(cloud);
    this.images = new ComputeImages(cloud);
  }

  /** Sets states now and returns a token that `stillCurrent` checks before a delayed step applies. */
  setState(s: Server, vmState: string, taskState: string | null, powerState?: number): number {
    s.vmState = vmState;
    s.taskState = taskState;
    if (powerState !== undefined) s.powerState = powerState;
    s.updatedAt = this.cloud.isoNow();
    const g = (this.generations.get(s.id) ?? 0) + 1;
    this.generations.set(s.id, g);
    return g;
  }

  stillCurrent(s: Server, generation: number): boolean {
    return !s.deleted && this.generations.get(s.id) === generation;
  }

  /** Runs `fn` after `ms` unless the server changed state in between. */
  after(s: Server, generation: number, ms: number, fn: () => void): void {
    this.cloud.later(ms, () => {
      if (this.stillCurrent(s, generation)) fn();
    });
  }

  snapshot(): unknown {
    return this.store.snapshot();
  }

  restore(data: unknown): void {
    this.store.restore(data);
  }
}
