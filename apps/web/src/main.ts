/**
 * The page: pick ladder contestants (optimizer + learning rate from its grid) and a step budget,
 * race them in a worker on WebGPU, watch the curves and the leaderboard. `?race=adam:0.01,muon:0.01
 * &steps=100` preselects and starts a race; `window.optimlabLadder` exposes its state (the browser
 * test reads it).
 */
import { LADDER, LADDER_TARGET, leaderboard, type LadderRun } from '@optimlab/optim/ladder';
import { drawChart } from './chart.js';
import type { Contestant, FromWorker, ToWorker } from './protocol.js';
import './style.css';

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f'];
const DEFAULT_PICKS: Record<string, number> = { adamw: 1e-2, muon: 3e-2, lion: 1e-3, sgd: 3e-1 };

interface LiveRun {
  readonly contestant: Contestant;
  readonly color: string;
  step: number;
  readings: [number, number][];
  result?: LadderRun;
}

export interface LadderPageState {
  status: 'idle' | 'running' | 'done' | 'stopped' | 'error';
  adapter?: string;
  error?: string;
  runs: LadderRun[];
  stepsPerSecond?: number;
}

declare global {
  interface Window {
    optimlabLadder: LadderPageState;
  }
}

const $ = <T extends Element>(selector: string): T => document.querySelector<T>(selector)!;
const state: LadderPageState = { status: 'idle', runs: [] };
window.optimlabLadder = state;
let live: LiveRun[] = [];
let steps = 0;
let worker: Worker | undefined;
let frame = 0;

function buildPicker(picks: Record<string, number>): void {
  const rows = Object.entries(LADDER).map(([name, entry]) => {
    const options = entry.grid.map((lr) => `<option value="${lr}" ${lr === (picks[name] ?? entry.grid[2]) ? 'selected' : ''}>${lr}</option>`).join('');
    return `<label class="pick"><input type="checkbox" name="${name}" ${name in picks ? 'checked' : ''}> ${name}
      <select name="${name}-lr" aria-label="${name} learning rate">${options}</select></label>`;
  });
  $('#picks').innerHTML = rows.join('');
}

function chosen(): Contestant[] {
  return Object.keys(LADDER)
    .filter((name) => $<HTMLInputElement>(`input[name="${name}"]`).checked)
    .map((name) => ({ optimizer: name, lr: Number($<HTMLSelectElement>(`select[name="${name}-lr"]`).value) }));
}

function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined) return '—';
  return Number.isFinite(v) ? v.toExponential(digits - 1) : 'diverged';
}

function render(): void {
  frame = 0;
  drawChart($('#chart'), live.map((r) => ({ name: r.contestant.optimizer, color: r.color, points: r.readings })), { maxStep: steps, target: LADDER_TARGET });
  const finished = leaderboard(live.flatMap((r) => (r.result ? [r.result] : [])));
  const adamw = finished.find((r) => r.optimizer === 'adamw')?.stepsToTarget ?? null;
  const running = live.filter((r) => !r.result).sort((a, b) => (a.readings.at(-1)?.[1] ?? Infinity) - (b.readings.at(-1)?.[1] ?? Infinity));
  const colorOf = (name: string, lr: number): string => live.find((r) => r.contestant.optimizer === name && r.contestant.lr === lr)?.color ?? '#000';
  const rows = [
    ...finished.map((r, i) => `<tr><td>${i + 1}</td><td><span class="swatch" style="background:${colorOf(r.optimizer, r.lr)}"></span>${r.optimizer}</td><td>${r.lr}</td>
      <td>${fmt(r.finalRelative)}</td><td>${r.stepsToTarget === null ? 'not reached' : r.stepsToTarget.toFixed(0)}</td>
      <td>${r.stepsToTarget && adamw ? `${(adamw / r.stepsToTarget).toFixed(2)}×` : '—'}</td></tr>`),
    ...running.map((r) => `<tr class="running"><td>…</td><td><span class="swatch" style="background:${r.color}"></span>${r.contestant.optimizer}</td><td>${r.contestant.lr}</td>
      <td>${fmt(r.readings.at(-1)?.[1])}</td><td>step ${r.step} / ${steps}</td><td></td></tr>`),
  ];
  $('#board tbody').innerHTML = rows.join('');
}

function scheduleRender(): void {
  frame ||= requestAnimationFrame(render);
}

function setStatus(text: string, kind: 'info' | 'error' = 'info'): void {
  const node = $<HTMLElement>('#status');
  node.textContent = text;
  node.className = kind;
}

function onMessage(message: FromWorker): void {
  switch (message.type) {
    case 'adapter':
      state.adapter = `${message.description} (${message.isSoftware ? 'software' : 'hardware'}; ${message.variant} kernels)`;
      $('#adapter').textContent = state.adapter;
      break;
    case 'progress':
      live[message.run]!.step = message.step;
      scheduleRender();
      break;
    case 'reading':
      live[message.run]!.readings.push([message.step, message.relative]);
      scheduleRender();
      break;
    case 'done':
      live[message.run]!.result = message.result;
      scheduleRender();
      break;
    case 'finished':
      state.stepsPerSecond = message.steps / message.seconds;
      state.runs = live.flatMap((r) => (r.result ? [r.result] : []));
      state.status = message.stopped ? 'stopped' : 'done';
      setStatus(`${message.stopped ? 'Stopped' : 'Finished'}: ${message.steps} steps in ${message.seconds.toFixed(1)} s (${state.stepsPerSecond.toFixed(1)} steps/s over all runs).`);
      setRunning(false);
      render();
      break;
    case 'error':
      fail(message.noAdapter ? `WebGPU is not available here. ${message.message}` : `The race failed: ${message.message}`);
      break;
  }
}

function fail(message: string): void {
  state.status = 'error';
  state.error = message;
  setStatus(message, 'error');
  if (!state.adapter) $('#adapter').textContent = 'none';
  setRunning(false);
}

function setRunning(running: boolean): void {
  $<HTMLButtonElement>('#run').disabled = running;
  $<HTMLButtonElement>('#stop').disabled = !running;
}

function start(contestants: Contestant[], stepCount: number): void {
  if (!contestants.length) {
    setStatus('Pick at least one optimizer.', 'error');
    return;
  }
  if (!('gpu' in navigator)) {
    fail('WebGPU is not available in this browser (navigator.gpu is undefined): use Chrome or Edge 113+, Safari 26+ or Firefox 141+, over https or on localhost.');
    return;
  }
  steps = stepCount;
  live = contestants.map((contestant, i) => ({ contestant, color: COLORS[i % COLORS.length]!, step: 0, readings: [] }));
  Object.assign(state, { status: 'running', runs: [], error: undefined, stepsPerSecond: undefined });
  setStatus(`Racing ${contestants.length} run${contestants.length > 1 ? 's' : ''} for ${steps} steps…`);
  setRunning(true);
  worker ??= new Worker(new URL('./race-worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<FromWorker>) => onMessage(event.data);
  worker.onerror = (event) => fail(`The worker failed: ${event.message}`);
  worker.postMessage({ type: 'race', contestants, steps } satisfies ToWorker);
  render();
}

function fromUrl(): { picks: Record<string, number>; steps?: number; autostart: boolean } {
  const params = new URLSearchParams(location.search);
  const race = params.get('race');
  const picks: Record<string, number> = {};
  for (const item of race ? race.split(',') : []) {
    const [name, lr] = item.split(':');
    if (name && name in LADDER) picks[name] = Number(lr ?? LADDER[name]!.grid[2]);
  }
  const stepText = params.get('steps');
  return { picks: race ? picks : DEFAULT_PICKS, ...(stepText ? { steps: Number(stepText) } : {}), autostart: race !== null };
}

const initial = fromUrl();
buildPicker(initial.picks);
if (initial.steps) $<HTMLInputElement>('#steps').value = String(initial.steps);
$('#run').addEventListener('click', () => start(chosen(), Number($<HTMLInputElement>('#steps').value)));
$('#stop').addEventListener('click', () => worker?.postMessage({ type: 'stop' } satisfies ToWorker));
setRunning(false);
render();
if (initial.autostart) start(chosen(), Number($<HTMLInputElement>('#steps').value));
