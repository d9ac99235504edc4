/** Hyperparameter fields that several optimizers share (each optimizer still states its default). */
import { integer, oneOf, real } from './fields.js';

export const unit = (description: string, dflt: number) => real(description, { min: 0, max: 1, maxExclusive: true }).default(dflt);
/** Upper bound of the open-ended knobs: far past any useful value, small enough to stay finite in f32. */
export const KNOB_MAX = 1e6;
export const nonNegative = (description: string, dflt: number) => real(description, { min: 0, max: KNOB_MAX }).default(dflt);
export const positive = (description: string, dflt: number) => real(description, { min: 0, minExclusive: true, max: KNOB_MAX }).default(dflt);
export const weightDecay = (dflt: number) => nonNegative('decoupled weight decay (θ ← θ − lr·wd·θ)', dflt);
export const nsSteps = (dflt: number) => integer('Newton–Schulz iterations', { min: 1, max: 20 }).default(dflt);
export const coefficients = (dflt: 'keller' | 'polarExpress' | 'dion') => oneOf('Newton–Schulz coefficients', ['keller', 'polarExpress', 'dion']).default(dflt);
