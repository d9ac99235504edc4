/** Progress for a study or sweep: a live line per run (with an ETA when the number of runs is known), JSON lines, or nothing. */
import type { RunProgress, RunResult, RunSpec } from './runs.js';

export interface StudyProgress extends RunProgress {
  onRunStart(index: number, total: number, spec: RunSpec): void;
  onRunEnd(result: RunResult): void;
}

export function createProgress({ json, quiet }: { json: boolean; quiet: boolean }): StudyProgress & { done(runs: number, seconds: number): void } {
  const tty = process.stdout.isTTY === true;
  let started = performance.now();
  let finishedRuns = 0;
  let index = 0;
  let total = 0;
  const eta = (): string => {
    if (finishedRuns === 0 || total === 0) return `elapsed ${((performance.now() - started) / 60000).toFixed(1)} min`;
    const perRun = (performance.now() - started) / 1000 / finishedRuns;
    const s = Math.max(0, (total - index + 1) * perRun);
    return `ETA ${s > 90 ? `${(s / 60).toFixed(0)} min` : `${s.toFixed(0)} s`}`;
  };
  return {
    onRunStart(i, n, spec) {
      if (i === 1) started = performance.now();
      [index, total] = [i, n];
      if (json) console.log(JSON.stringify({ type: 'run-start', index: i, total: n, id: spec.id }));
      else if (!quiet) process.stdout.write(`${tty ? '\r' : ''}[run ${i}${n ? `/${n}` : ''}] ${spec.id} (${eta()})${tty ? '\u001b[K' : '\n'}`);
    },
    onStep(spec, { step, loss, tokensPerSecond, liveBytes }) {
      if (json) console.log(JSON.stringify({ type: 'step', id: spec.id, step, loss, tokensPerSecond, liveBytes }));
      else if (!quiet && tty) process.stdout.write(`\r[run ${index}] ${spec.id} step ${step}/${spec.train.steps} loss ${loss.toFixed(3)} (${eta()})\u001b[K`);
    },
    onRunEnd(r) {
      finishedRuns++;
      if (json) console.log(JSON.stringify({ type: 'run-end', id: r.id, status: r.status, bestLoss: r.bestLoss, seconds: r.seconds }));
      else if (!quiet) process.stdout.write(`${tty ? '\r' : ''}[run ${index}] ${r.id}: ${r.status}, best val loss ${r.bestLoss?.toFixed(4) ?? '—'} in ${r.seconds.toFixed(1)} s${tty ? '\u001b[K\n' : '\n'}`);
    },
    done(runs, seconds) {
      if (json) console.log(JSON.stringify({ type: 'done', runs, seconds }));
      else if (!quiet) console.log(`${runs} runs in ${(seconds / 60).toFixed(1)} min`);
    },
  };
}
