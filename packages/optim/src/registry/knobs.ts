/** Hyperparameter fields that several optimizers share (each optimizer still states its default). */
import { integer, oneOf, real } from './fields.js';

export const unit = (description: string, dflt: number) => real(description, { min: 0, max: 1, maxExclusive: true }).default(dflt);
export const nonNegative = (description: string, dflt: number) => real(description, { min: 0 }).default(dflt);
export const positive = (description: string, dflt: number) => real(description, { min: 0, minExclusive: true }).default(dflt);
export const weightDecay = (dflt: number) => nonNegative('decoupled weight decay (θ ← θ − lr·wd·θ)', dflt);
export const nsSteps = (dflt: number) => integer('Newton–Schulz iterations', { min: 1, max: 20 }).default(dflt);
export const coefficients = (dflt: 'keller' | 'polarExpress' | 'dion') => oneOf('Newton–Schulz coefficients', ['keller', 'polarExpress', 'dion']).default(dflt);
