/**
 * The race plot as SVG: log10 of the relative full-data loss against the step on a log axis, one
 * polyline per run, redrawn whole (a few hundred points) on each animation frame with new readings.
 */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

const W = 720;
const H = 380;
const PAD = { left: 56, right: 16, top: 16, bottom: 40 };
const NS = 'http://www.w3.org/2000/svg';

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Draws `series` into `svg` (cleared first); x spans 1…maxStep, y fits the finite readings. */
export function drawChart(svg: SVGSVGElement, series: readonly Series[], { maxStep, target }: { maxStep: number; target: number }): void {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const ys = series.flatMap((s) => s.points.map(([, v]) => v)).filter((v) => v > 0 && Number.isFinite(v)).map(Math.log10);
  const yMin = Math.floor(Math.min(Math.log10(target) - 0.3, ...ys));
  const yMax = Math.max(0.2, Math.ceil(Math.max(0, ...ys) * 5) / 5);
  const xMax = Math.log10(Math.max(maxStep, 10));
  const px = (step: number): number => PAD.left + (Math.log10(Math.max(step, 1)) / xMax) * (W - PAD.left - PAD.right);
  const py = (logv: number): number => PAD.top + ((yMax - logv) / (yMax - yMin)) * (H - PAD.top - PAD.bottom);
  for (let y = yMin; y <= yMax + 1e-9; y++) {
    svg.append(el('line', { x1: PAD.left, x2: W - PAD.right, y1: py(y), y2: py(y), class: 'grid' }));
    svg.append(el('text', { x: PAD.left - 8, y: py(y) + 4, 'text-anchor': 'end', class: 'tick' }, `1e${y}`));
  }
  for (let e = 0; e <= Math.floor(xMax); e++) {
    svg.append(el('line', { x1: px(10 ** e), x2: px(10 ** e), y1: PAD.top, y2: H - PAD.bottom, class: 'grid' }));
    svg.append(el('text', { x: px(10 ** e), y: H - PAD.bottom + 18, 'text-anchor': 'middle', class: 'tick' }, String(10 ** e)));
  }
  svg.append(el('line', { x1: PAD.left, x2: W - PAD.right, y1: py(Math.log10(target)), y2: py(Math.log10(target)), class: 'target' }));
  svg.append(el('text', { x: W - PAD.right - 4, y: py(Math.log10(target)) - 6, 'text-anchor': 'end', class: 'tick' }, `target ${target}`));
  svg.append(el('text', { x: (W + PAD.left) / 2, y: H - 6, 'text-anchor': 'middle', class: 'label' }, 'step'));
  svg.append(el('text', { x: 14, y: (H - PAD.bottom) / 2, transform: `rotate(-90 14 ${(H - PAD.bottom) / 2})`, 'text-anchor': 'middle', class: 'label' }, 'relative full-data loss'));
  for (const s of series) {
    const pts = s.points.filter(([, v]) => v > 0 && Number.isFinite(v)).map(([x, v]) => `${px(x).toFixed(1)},${py(Math.log10(v)).toFixed(1)}`);
    if (pts.length) svg.append(el('polyline', { points: pts.join(' '), stroke: s.color, class: 'curve' }));
  }
}
