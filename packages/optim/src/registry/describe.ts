/** The registry as text, for `--help` and docs: each name with its defaults and what it is. */
import { fieldInfo } from './fields.js';
import { findOptimizer, optimizerNames } from './registry.js';

const show = (v: unknown): string => (v === undefined ? '—' : typeof v === 'string' ? v : String(v));

/** One line per optimizer: name, default learning rate, hyperparameters with defaults, summary. */
export function describeOptimizers(): string {
  const names = optimizerNames();
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return names
    .map((name) => {
      const r = findOptimizer(name)!;
      const knobs = Object.entries(r.hyper.shape).map(([k, s]) => `${k} ${show(fieldInfo(s).defaultValue)}`);
      const what = r.hybrid ? `${r.base} on hidden matrices, AdamW (lr/10) on the rest` : r.spec.summary;
      return `  ${name.padEnd(width)}${what}\n  ${''.padEnd(width)}lr ${r.spec.learningRate}; ${knobs.join(', ') || 'no other hyperparameters'}`;
    })
    .join('\n');
}
