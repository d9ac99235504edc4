/**
 * Small dependency-free SVG charts for reports: lines with optional log axes (decade ticks 1e-4,
 * 3e-4, 1e-3 …), integer step axes, seed-spread bands, reference points (the thesis's numbers) and a
 * target line; and a dot-and-whisker chart (mean ± spread) on an axis that neither starts at zero
 * nor zooms into noise.
 */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly color: string;
  /** [x, low, high]: a shaded band (e.g. min–max or ± std over seeds). */
  readonly band?: readonly (readonly [number, number, number])[];
  /** Markers only, dashed legend: reference values (e.g. the thesis's own). */
  readonly reference?: boolean;
}

export interface LineOptions {
  readonly logX?: boolean;
  readonly logY?: boolean;
  /** Ticks at integers only (steps). */
  readonly integerX?: boolean;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly hLine?: { readonly y: number; readonly label: string };
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** 1e-4, 3e-4, 0.001 … as a reader writes them. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

/** Ticks for a log axis over [lo, hi] (values, not logs): 1·10^k and 3·10^k, thinned to ≤ 9. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) for (const m of [1, 3]) out.push(m * 10 ** k);
  const inside = out.filter((v) => v >= lo * 0.999 && v <= hi * 1.001);
  const ticks = inside.length >= 2 ? inside : out.filter((v) => v >= lo / 10 && v <= hi * 10);
  return ticks.length > 9 ? ticks.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9) : ticks;
}

/** About five round ticks over [lo, hi]; integers only if asked. */
export function linearTicks(lo: number, hi: number, integer = false): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  if (integer) step = Math.max(1, Math.round(step));
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export function lineChart(title: string, series: readonly Series[], { logX = false, logY = false, integerX = false, xLabel = '', yLabel = '', hLine }: LineOptions = {}): string {
  const W = 680;
  const H = 380;
  const m = { l: 64, r: 190, t: 36, b: 48 };
  const ok = ([x, y]: readonly [number, number]): boolean => Number.isFinite(x) && Number.isFinite(y) && (!logX || x > 0) && (!logY || y > 0);
  const pts = series.flatMap((s) => [...s.points, ...(s.band ?? []).flatMap(([x, lo, hi]) => [[x, lo], [x, hi]] as const)]).filter(ok);
  if (hLine) pts.push(...pts.slice(0, 1).map(([x]) => [x, hLine.y] as const));
  if (pts.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="60"><text x="10" y="30">${esc(title)}: no data</text></svg>`;
  const tx = (x: number): number => (logX ? Math.log10(x) : x);
  const ty = (y: number): number => (logY ? Math.log10(y) : y);
  const [x0, x1] = [Math.min(...pts.map(([x]) => tx(x))), Math.max(...pts.map(([x]) => tx(x)))];
  const [y0, y1] = [Math.min(...pts.map(([, y]) => ty(y))), Math.max(...pts.map(([, y]) => ty(y)))];
  const px = (x: number): number => m.l + ((tx(x) - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const py = (y: number): number => H - m.b - ((ty(y) - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const xTicks = logX ? logTicks(10 ** x0, 10 ** x1) : linearTicks(x0, x1, integerX);
  const yTicks = logY ? logTicks(10 ** y0, 10 ** y1) : linearTicks(y0, y1);
  const inX = (v: number): boolean => tx(v) >= x0 - 1e-9 && tx(v) <= x1 + 1e-9;
  const inY = (v: number): boolean => ty(v) >= y0 - 1e-9 && ty(v) <= y1 + 1e-9;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<text x="8" y="20" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#333"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#333"/>`,
    ...yTicks.filter(inY).map((v) => `<text x="${m.l - 6}" y="${py(v) + 4}" text-anchor="end">${formatTick(v)}</text><line x1="${m.l}" x2="${W - m.r}" y1="${py(v)}" y2="${py(v)}" stroke="#eee"/>`),
    ...xTicks.filter(inX).map((v) => `<text x="${px(v)}" y="${H - m.b + 16}" text-anchor="middle">${formatTick(v)}</text><line x1="${px(v)}" x2="${px(v)}" y1="${H - m.b}" y2="${H - m.b + 4}" stroke="#333"/>`),
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">${esc(yLabel)}</text>`,
  ];
  if (hLine) parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${py(hLine.y)}" y2="${py(hLine.y)}" stroke="#555" stroke-dasharray="6 4"/><text x="${W - m.r - 4}" y="${py(hLine.y) - 4}" text-anchor="end" fill="#555">${esc(hLine.label)}</text>`);
  series.forEach((s, i) => {
    const band = (s.band ?? []).filter(([x, lo, hi]) => ok([x, lo]) && ok([x, hi]));
    if (band.length > 1) {
      const top = band.map(([x, , hi]) => `${px(x).toFixed(1)},${py(hi).toFixed(1)}`);
      const bottom = [...band].reverse().map(([x, lo]) => `${px(x).toFixed(1)},${py(lo).toFixed(1)}`);
      parts.push(`<polygon points="${[...top, ...bottom].join(' ')}" fill="${s.color}" fill-opacity="0.18" stroke="none"/>`);
    }
    const p = s.points.filter(ok);
    if (p.length && !s.reference) parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${p.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of p) {
      parts.push(s.reference ? `<rect x="${(px(x) - 4).toFixed(1)}" y="${(py(y) - 4).toFixed(1)}" width="8" height="8" fill="none" stroke="${s.color}" stroke-width="1.5"/>` : `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    }
    const ly = m.t + i * 18;
    parts.push(s.reference ? `<rect x="${W - m.r + 12}" y="${ly + 1}" width="9" height="9" fill="none" stroke="${s.color}" stroke-width="1.5"/>` : `<rect x="${W - m.r + 10}" y="${ly}" width="12" height="12" fill="${s.color}"/>`);
    parts.push(`<text x="${W - m.r + 28}" y="${ly + 10}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export interface Dot {
  readonly label: string;
  /** NaN: diverged. */
  readonly value: number;
  /** Half-width of the whisker (e.g. one std over seeds); 0 for a single run. */
  readonly spread: number;
  readonly color: string;
  /** A reference value drawn as a hollow square on the same row (e.g. the thesis's). */
  readonly reference?: number;
}

/** Mean ± spread per row. The axis spans at least 10% of the mean so seed noise is not magnified. */
export function dotChart(title: string, dots: readonly Dot[], valueLabel: string): string {
  const W = 680;
  const rowH = 20;
  const m = { l: 230, r: 40, t: 36 };
  const H = m.t + dots.length * rowH + 44;
  const vals = dots.flatMap((d) => (Number.isFinite(d.value) ? [d.value - d.spread, d.value + d.spread, ...(d.reference === undefined ? [] : [d.reference])] : []));
  if (vals.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="60"><text x="10" y="30">${esc(title)}: no data</text></svg>`;
  let [lo, hi] = [Math.min(...vals), Math.max(...vals)];
  const minSpan = 0.1 * Math.abs((lo + hi) / 2);
  if (hi - lo < minSpan) [lo, hi] = [(lo + hi) / 2 - minSpan / 2, (lo + hi) / 2 + minSpan / 2];
  const pad = (hi - lo) * 0.05;
  [lo, hi] = [lo - pad, hi + pad];
  const px = (v: number): number => m.l + ((v - lo) / (hi - lo)) * (W - m.l - m.r);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`, `<text x="8" y="20" font-weight="bold">${esc(title)}</text>`];
  const axisY = m.t + dots.length * rowH + 4;
  for (const v of linearTicks(lo, hi)) parts.push(`<line x1="${px(v)}" x2="${px(v)}" y1="${m.t}" y2="${axisY}" stroke="#eee"/><text x="${px(v)}" y="${axisY + 14}" text-anchor="middle">${formatTick(v)}</text>`);
  dots.forEach((d, i) => {
    const y = m.t + i * rowH + rowH / 2;
    parts.push(`<text x="${m.l - 6}" y="${y + 4}" text-anchor="end">${esc(d.label)}</text>`);
    if (d.reference !== undefined) parts.push(`<rect x="${(px(d.reference) - 4).toFixed(1)}" y="${y - 4}" width="8" height="8" fill="none" stroke="#555" stroke-width="1.5"/>`);
    if (!Number.isFinite(d.value)) {
      parts.push(`<text x="${m.l + 4}" y="${y + 4}" fill="#b00">diverged</text>`);
      return;
    }
    if (d.spread > 0) parts.push(`<line x1="${px(d.value - d.spread).toFixed(1)}" x2="${px(d.value + d.spread).toFixed(1)}" y1="${y}" y2="${y}" stroke="${d.color}" stroke-width="2"/>`);
    parts.push(`<circle cx="${px(d.value).toFixed(1)}" cy="${y}" r="4" fill="${d.color}"/>`);
  });
  parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${axisY}" y2="${axisY}" stroke="#333"/>`, `<text x="${(m.l + W - m.r) / 2}" y="${H - 6}" text-anchor="middle">${esc(valueLabel)}</text></svg>`);
  return parts.join('\n');
}
