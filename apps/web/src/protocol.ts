/** Messages between the page (main.ts) and the race worker (race-worker.ts). */
import type { LadderRun } from '@optimlab/optim/ladder';

export interface Contestant {
  readonly optimizer: string;
  readonly lr: number;
}

export type ToWorker =
  | { readonly type: 'race'; readonly contestants: readonly Contestant[]; readonly steps: number }
  | { readonly type: 'stop' };

export type FromWorker =
  | { readonly type: 'adapter'; readonly description: string; readonly isSoftware: boolean; readonly variant: string }
  | { readonly type: 'progress'; readonly run: number; readonly step: number }
  | { readonly type: 'reading'; readonly run: number; readonly step: number; readonly relative: number }
  | { readonly type: 'done'; readonly run: number; readonly result: LadderRun }
  | { readonly type: 'finished'; readonly seconds: number; readonly steps: number; readonly stopped: boolean }
  | { readonly type: 'error'; readonly message: string; readonly noAdapter: boolean };
