/**
 * The checks of a study file that the schema cannot make alone: every name a question uses is a
 * contestant, every contestant's optimizer resolves (registry or module, hyperparameters in range),
 * every knob to tune or change is one its optimizer has, every LR range holds lattice points and is
 * not inverted, and phase names are distinct. Errors name the key path, in one line.
 */
import { InputError, resolveOptimizerConfig } from '@optimlab/moe-model';
import { latticeRange } from '../questions/plan.js';
import { tunedKeys } from './compile.js';
import type { StudyFile } from './schema.js';

/** The optimizer config with `change` applied resolves, or an InputError at `path`. */
function checkOptimizer(where: string, path: string, optimizer: Record<string, unknown>, change: Record<string, unknown> = {}): void {
  const knob = Object.keys(change).find((k) => !Object.hasOwn(optimizer, k) && !knobsOf(optimizer).has(k));
  if (knob) throw new InputError(`${where}: ${path}.${knob}: ${String(optimizer['name'])} has no knob "${knob}" (its knobs: ${[...knobsOf(optimizer)].join(', ')}).`);
  try {
    resolveOptimizerConfig({ ...optimizer, ...change }, path);
  } catch (err) {
    throw new InputError(`${where}: ${(err as Error).message}`);
  }
}

/** The knobs an optimizer config may set (schedule fields and its hyperparameters, learning rate aside). */
function knobsOf(optimizer: Record<string, unknown>): Set<string> {
  const resolved = resolveOptimizerConfig({ name: optimizer['name'] });
  return new Set(Object.keys(resolved).filter((k) => k !== 'name' && k !== 'learningRate').concat(String(optimizer['name']).endsWith('+adamw') ? ['adamwLearningRate'] : []));
}

export function validateStudy(file: StudyFile, where: string): void {
  const keys = file.contestants.map((c) => c.key);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice) throw new InputError(`${where}: contestants: the key "${twice}" appears twice; keys must be distinct.`);
  const perDecades = [file.tuning.perDecade, file.grid.perDecade, ...Object.values(file.byPreset).flatMap((o) => [o?.tuning?.perDecade, o?.grid?.perDecade])].filter((n): n is number => n !== undefined);
  file.contestants.forEach((c, i) => {
    const at = `contestants.${i}`;
    if ('learningRate' in c.optimizer) throw new InputError(`${where}: ${at}.optimizer.learningRate: the learning rate is searched, not fixed: set where its search starts in ${at}.lr.`);
    checkOptimizer(where, `${at}.optimizer`, c.optimizer);
    if (c.adamwRatio !== undefined && !String(c.optimizer.name).endsWith('+adamw')) throw new InputError(`${where}: ${at}.adamwRatio: only a +adamw split has an AdamW group; remove it or use ${String(c.optimizer.name)}+adamw.`);
    const lr = c.lr;
    if ('from' in lr) {
      if (lr.from > lr.to) throw new InputError(`${where}: ${at}.lr: the range is inverted (from ${lr.from} is above to ${lr.to}): swap them.`);
      const empty = perDecades.find((n) => latticeRange(lr.from, lr.to, n).length === 0);
      if (empty) throw new InputError(`${where}: ${at}.lr: the range ${lr.from}–${lr.to} holds no point of the lattice (${empty} per decade): widen it.`);
    }
    for (const [knob, values] of Object.entries(c.tune ?? {})) values.forEach((v) => checkOptimizer(where, `${at}.tune`, c.optimizer, { [knob]: v }));
  });
  const known = (path: string, key: string): void => {
    if (!keys.includes(key)) throw new InputError(`${where}: ${path}: "${key}" is not a contestant (contestants: ${keys.join(', ')}).`);
  };
  const phases = new Set<string>(tunedKeys(file).length ? ['tune', 'balance', 'final', 'budgets'] : []);
  file.questions.forEach((q, i) => {
    const at = `questions.${i}`;
    switch (q.kind) {
      case 'final-comparison':
      case 'token-speedup':
        known(`${at}.contestant`, q.contestant);
        known(`${at}.baseline`, q.baseline);
        if (q.contestant === q.baseline) throw new InputError(`${where}: ${at}: the contestant and the baseline are both "${q.contestant}": compare two contestants.`);
        // A verdict needs that many seed pairs: fewer fresh seeds could never give one. (A preset's own
        // seeds, e.g. a thin smoke plan, may be fewer: its verdicts are then inconclusive, as meant.)
        if (q.kind === 'final-comparison' && q.minPairs !== undefined && q.minPairs > file.seeds) throw new InputError(`${where}: ${at}.minPairs: ${q.minPairs} pairs need at least as many fresh seeds, and seeds is ${file.seeds}: raise seeds or lower minPairs.`);
        break;
      case 'lr-sensitivity':
        q.contestants.forEach((k, j) => known(`${at}.contestants.${j}`, k));
        const mine = (path: string, key: string): void => {
          if (!q.contestants.includes(key)) throw new InputError(`${where}: ${path}: "${key}" is not one of this question's contestants (${q.contestants.join(', ')}).`);
        };
        q.wider.forEach((w, j) => [w.contestant, w.baseline].forEach((k) => mine(`${at}.wider.${j}`, k)));
        q.nearBest.forEach((n, j) => mine(`${at}.nearBest.${j}`, n.contestant));
        if (q.nearBest.length && q.contestants.length < 2) throw new InputError(`${where}: ${at}.nearBest: "near-best" needs at least two contestants in the question.`);
        break;
      case 'one-factor': {
        known(`${at}.contestant`, q.contestant);
        const c = file.contestants.find((x) => x.key === q.contestant)!;
        checkOptimizer(where, `${at}.change`, c.optimizer, q.change);
        const onGrid = file.questions.some((x) => x.kind === 'lr-sensitivity' && x.contestants.includes(q.contestant));
        if (q.at.some((a) => a !== 'tuned') && !onGrid) throw new InputError(`${where}: ${at}.at: "best" and "top" read the contestant's lr-sensitivity grid, and no lr-sensitivity question has ${q.contestant}; use at: [tuned] or add one.`);
        break;
      }
    }
    if (q.kind === 'lr-sensitivity' || q.kind === 'one-factor') {
      if (phases.has(q.id)) throw new InputError(`${where}: ${at}.id: the phase name "${q.id}" is taken; give this question another id.`);
      phases.add(q.id);
    }
  });
}
