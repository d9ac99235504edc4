/**
 * The named optimizers as functions (optax's alias.py): `adamw({ learningRate: 1e-3 })`. Each is
 * its registry entry's `create` (optimizers/), so its options, defaults and validation are the
 * registry's; hyperparameters are numbers, the learning rate a number or a schedule.
 */
import type { GradientTransformation } from './base.js';
import type { LabelFn } from './combine.js';
import { hiddenMatrixLabels } from './partition-rule.js';
import { ADAGRAD, ADAM, ADAMW, ADEMAMIX, RMSPROP } from './optimizers/adam.js';
import { LION } from './optimizers/lion.js';
import { MOMO, MUON_MOMO, MUONMAX, MUONMAX_MOMO } from './optimizers/momo.js';
import { MUON, MUONH, NORMUON } from './optimizers/muon.js';
import { SHAMPOO, SOAP } from './optimizers/shampoo.js';
import { MOMENTUM, NESTEROV, SGD, SIGNSGD, SIGNUM } from './optimizers/sgd.js';
import { withAdamW } from './registry/split.js';

export type SgdOptions = Parameters<typeof SGD.create>[0];
export type MomentumOptions = Parameters<typeof MOMENTUM.create>[0];
export type AdamWOptions = Parameters<typeof ADAMW.create>[0];
export type LionOptions = Parameters<typeof LION.create>[0];
export type MuonOptions = Parameters<typeof MUON.create>[0];

export const sgd = SGD.create;
export const momentum = MOMENTUM.create;
export const nesterov = NESTEROV.create;
export const adagrad = ADAGRAD.create;
export const rmsprop = RMSPROP.create;
export const adam = ADAM.create;
export const adamw = ADAMW.create;
export const ademamix = ADEMAMIX.create;
export const signSgd = SIGNSGD.create;
export const signum = SIGNUM.create;
export const lion = LION.create;
export const muon = MUON.create;
export const normuon = NORMUON.create;
export const shampoo = SHAMPOO.create;
export const soap = SOAP.create;
export const muonH = MUONH.create;
export const momo = MOMO.create;
export const muonMax = MUONMAX.create;
export const muonMaxMomo = MUONMAX_MOMO.create;
export const muonMomo = MUON_MOMO.create;

/** The thesis's split (partition-rule.ts): hidden matrices and 3-D stacks of them → Muon, the rest → AdamW. */
export const thesisLabels: LabelFn = hiddenMatrixLabels({ matrix: 'muon', other: 'adamw' });

/** Muon for hidden matrices and AdamW for the rest (MuonWithAuxAdam), routed by `label` (labels 'muon', 'adamw'). */
export function muonWithAdamW({ muon: m, adamw: a, label }: { muon: MuonOptions; adamw: AdamWOptions; label?: LabelFn }): GradientTransformation<any> {
  return withAdamW({ name: 'muon', kind: 'matrices', matrices: MUON.create(m), adamw: ADAMW.create(a), ...(label ? { label } : {}) });
}

