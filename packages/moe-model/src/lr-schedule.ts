/** A run's learning rate over time: the schedule kinds of the run config, and the optimizer built with one. */
import {
  constant, joinSchedules, linear, makeOptimizer, stepDecay, warmupConstant, warmupCosineDecay, warmupLinearDecay, type GradientTransformation, type Schedule,
} from '@optimlab/optim';
import { InputError } from './errors.js';
import { hyperOf, SCHEDULES, type OptimizerConfig } from './run-config.js';

/** The learning-rate multiplier schedule (peak 1) over `steps` optimizer steps. */
export function lrSchedule({ schedule, warmupRatio, minLrRatio }: OptimizerConfig, steps: number): Schedule {
  const warm = Math.round(steps * warmupRatio);
  switch (schedule) {
    case 'cosine':
      return warmupCosineDecay({ peak: 1, totalSteps: steps, warmupRatio, alpha: minLrRatio });
    case 'linear':
      return warmupLinearDecay({ peak: 1, totalSteps: steps, warmupRatio, alpha: minLrRatio });
    case 'step':
      return joinSchedules([linear(0, 1, warm), stepDecay(1, Math.max(1, Math.floor(steps / 4)), 0.5)], [warm]);
    case 'constant':
      return warmupConstant({ peak: 1, totalSteps: steps, warmupRatio });
    case 'constant-linear': {
      // GPT-opt's "constant-linear" (warm_up_fraction 0.4): constant for the first 40% of the steps, then linear to the floor.
      const hold = Math.max(warm, Math.round(steps * 0.4));
      return joinSchedules([linear(0, 1, warm), constant(1), linear(1, minLrRatio, steps - hold)], [warm, hold]);
    }
    default:
      throw new InputError(`Unknown schedule "${String(schedule)}". Known: ${SCHEDULES.join(', ')}.`);
  }
}

/** The registry optimizer with the schedule on every learning rate (clipping is the loop's, so fused steps stay fused). */
export function buildOptimizer(o: OptimizerConfig, steps: number): GradientTransformation<any> {
  return makeOptimizer(o.name, { learningRate: o.learningRate, ...hyperOf(o) }, lrSchedule(o, steps));
}
