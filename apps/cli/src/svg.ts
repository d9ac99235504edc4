/** Small dependency-free SVG charts: lines (optionally log-x) and horizontal bars. */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly color: string;
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const fmt = (v: number): string => (Math.abs(v) >= 100 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : v.toPrecision(3));

export function lineChart(title: string, series: readonly Series[], { logX = false, xLabel = '', yLabel = '' } = {}): string {
  const W = 640;
  const H = 360;
  const m = { l: 64, r: 150, t: 36, b: 48 };
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="60"><text x="10" y="30">${esc(title)}: no data</text></svg>`;
  const tx = (x: number): number => (logX ? Math.log10(x) : x);
  const [x0, x1] = [Math.min(...all.map(([x]) => tx(x))), Math.max(...all.map(([x]) => tx(x)))];
  const [y0, y1] = [Math.min(...all.map(([, y]) => y)), Math.max(...all.map(([, y]) => y))];
  const px = (x: number): number => m.l + ((tx(x) - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const py = (y: number): number => H - m.b - ((y - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const ticks = (a: number, b: number): number[] => Array.from({ length: 5 }, (_, i) => a + ((b - a) * i) / 4);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#333"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#333"/>`,
    ...ticks(y0, y1).map((v) => `<text x="${m.l - 6}" y="${py(v) + 4}" text-anchor="end">${fmt(v)}</text><line x1="${m.l}" x2="${W - m.r}" y1="${py(v)}" y2="${py(v)}" stroke="#eee"/>`),
    ...ticks(x0, x1).map((v) => `<text x="${m.l + ((v - x0) / (x1 - x0 || 1)) * (W - m.l - m.r)}" y="${H - m.b + 16}" text-anchor="middle">${fmt(logX ? 10 ** v : v)}</text>`),
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">${esc(yLabel)}</text>`,
  ];
  series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length) parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of pts) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    parts.push(`<rect x="${W - m.r + 10}" y="${m.t + i * 18}" width="12" height="12" fill="${s.color}"/><text x="${W - m.r + 28}" y="${m.t + i * 18 + 10}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export function barChart(title: string, bars: readonly { label: string; value: number; color: string }[], valueLabel: string): string {
  const W = 640;
  const rowH = 20;
  const m = { l: 190, r: 70, t: 36 };
  const H = m.t + bars.length * rowH + 30;
  const finite = bars.filter((b) => Number.isFinite(b.value));
  const lo = Math.min(...finite.map((b) => b.value)) * 0.98;
  const hi = Math.max(...finite.map((b) => b.value));
  const len = (v: number): number => ((v - lo) / (hi - lo || 1)) * (W - m.l - m.r) + 4;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`, `<text x="${W / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(title)}</text>`];
  bars.forEach((b, i) => {
    const y = m.t + i * rowH;
    parts.push(`<text x="${m.l - 6}" y="${y + 14}" text-anchor="end">${esc(b.label)}</text>`);
    if (Number.isFinite(b.value)) parts.push(`<rect x="${m.l}" y="${y + 3}" width="${len(b.value).toFixed(1)}" height="${rowH - 6}" fill="${b.color}"/><text x="${m.l + len(b.value) + 4}" y="${y + 14}">${fmt(b.value)}</text>`);
    else parts.push(`<text x="${m.l + 4}" y="${y + 14}" fill="#b00">diverged</text>`);
  });
  parts.push(`<text x="${W / 2}" y="${H - 6}" text-anchor="middle">${esc(valueLabel)}</text></svg>`);
  return parts.join('\n');
}
