/**
 * The race, off the page's thread: every contestant is a ladder run (runLadderOne) on the worker's
 * own WebGPU device, all started at once and interleaved step by step (each step yields a task), so
 * the curves race and a "stop" message is seen within a step. Results do not depend on the
 * interleaving: each run has its own parameters and minibatch stream.
 */
import { getGpu, NoAdapterError } from '@optimlab/tensor-wgpu';
import { ladderData, runLadderOne } from '@optimlab/optim/ladder';
import type { Contestant, FromWorker, ToWorker } from './protocol.js';

const post = (message: FromWorker): void => self.postMessage(message);

/** A macrotask yield without setTimeout's 4 ms clamp, so messages (stop) and GPU callbacks get a turn. */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldTask = (): Promise<void> =>
  new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });

class Stopped extends Error {}
let stopRequested = false;
let racing = false;

async function race(contestants: readonly Contestant[], steps: number): Promise<void> {
  const gpu = await getGpu();
  post({ type: 'adapter', description: `${gpu.info.vendor} ${gpu.info.architecture} ${gpu.info.description}`.trim(), isSoftware: gpu.info.isSoftware, variant: gpu.variant });
  const data = ladderData();
  const start = performance.now();
  let taken = 0;
  const runs = contestants.map(async ({ optimizer, lr }, run) => {
    const result = await runLadderOne(data, optimizer, lr, steps, {
      onStep: async (step) => {
        if (stopRequested) throw new Stopped();
        taken++;
        if (step % 10 === 0 || step === steps) post({ type: 'progress', run, step });
        await yieldTask();
      },
      onReading: (step, relative) => post({ type: 'reading', run, step, relative }),
    });
    post({ type: 'done', run, result });
  });
  const outcomes = await Promise.allSettled(runs);
  data.dispose();
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected' && !(o.reason instanceof Stopped));
  if (failure) throw failure.reason;
  post({ type: 'finished', seconds: (performance.now() - start) / 1000, steps: taken, stopped: stopRequested });
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === 'stop') {
    stopRequested = racing;
    return;
  }
  if (racing) return;
  racing = true;
  stopRequested = false;
  race(message.contestants, message.steps)
    .catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err), noAdapter: err instanceof NoAdapterError }))
    .finally(() => {
      racing = false;
    });
};
