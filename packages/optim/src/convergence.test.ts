/**
 * One table of optimizers run to a target loss (optax alias_test): a parabola and Rosenbrock for
 * every optimizer, and a small matrix least-squares problem for all of them including Muon.
 * Gradients come from tensor-wgpu's autodiff; learning rates decay by cosine so sign-based
 * methods settle.
 */
import { describe, expect, it } from 'vitest';
import {
  add, backward, matmul, meanAll, mul, mulScalar, requireGrad, scope, square, sub, sumAll, tensor, type Tensor, slice, addScalar,
} from '@optimlab/tensor-wgpu';
import type { GradientTransformation, Params } from './base.js';
import { createOptimizer } from './optimizer.js';
import { adagrad, adam, adamw, lion, momentum, momo, muon, muonMax, muonMaxMomo, nesterov, rmsprop, sgd, shampoo, signSgd, signum } from './alias.js';
import { cosineDecay, type Schedule } from './index.js';
import { randomArray } from '@optimlab/tensor-wgpu/testing';

type Make = (lr: Schedule) => GradientTransformation<any>;
interface Problem {
  readonly init: () => Record<string, Tensor>;
  readonly loss: (p: Params) => Tensor;
  readonly target: number;
  readonly steps: number;
}

const PROBLEMS: Record<string, Problem> = {
  // Σ c (x − t)² over a 4×4 matrix, c ∈ [0.5, 2]: minimum 0.
  parabola: {
    init: () => ({ x: tensor(new Array(16).fill(0), [4, 4]) }),
    loss: (p) => sumAll(mul(tensor(randomArray(16, 1, 0.5, 2), [4, 4]), square(sub(p['x']!, tensor(randomArray(16, 2), [4, 4]))))),
    target: 1e-3,
    steps: 300,
  },
  // (1 − x)² + 100 (y − x²)² from (−1, 1), loss 4: minimum 0 at (1, 1). Target: 99% down.
  rosenbrock: {
    init: () => ({ xy: tensor([-1, 1], [1, 2]) }),
    loss: (p) => {
      const x = slice(p['xy']!, 1, 0, 1);
      const y = slice(p['xy']!, 1, 1, 2);
      return sumAll(add(square(addScalar(mulScalar(x, -1), 1)), mulScalar(square(sub(y, square(x))), 100)));
    },
    target: 0.04,
    steps: 3000,
  },
  // mean (A X − B)² with A 12×6, X 6×4, B = A X*: minimum 0.
  leastSquares: {
    init: () => ({ w: tensor(new Array(24).fill(0), [6, 4]) }),
    loss: (p) => {
      const a = tensor(randomArray(72, 3), [12, 6]);
      const b = matmul(a, tensor(randomArray(24, 4), [6, 4]));
      return meanAll(square(sub(matmul(a, p['w']!), b)));
    },
    target: 1e-3,
    steps: 300,
  },
};

/** Per optimizer: [make, lr peak per problem] (tuned by hand on these problems). */
const TABLE: Record<string, [Make, Record<string, number>]> = {
  sgd: [(lr) => sgd({ learningRate: lr }), { parabola: 0.2, rosenbrock: 1.9e-3, leastSquares: 0.6 }],
  momentum: [(lr) => momentum({ learningRate: lr }), { parabola: 0.05, rosenbrock: 1e-3, leastSquares: 0.05 }],
  nesterov: [(lr) => nesterov({ learningRate: lr }), { parabola: 0.05, rosenbrock: 1e-3, leastSquares: 0.05 }],
  adagrad: [(lr) => adagrad({ learningRate: lr }), { parabola: 0.5, rosenbrock: 0.5, leastSquares: 0.5 }],
  rmsprop: [(lr) => rmsprop({ learningRate: lr }), { parabola: 0.05, rosenbrock: 0.02, leastSquares: 0.05 }],
  adam: [(lr) => adam({ learningRate: lr }), { parabola: 0.1, rosenbrock: 0.05, leastSquares: 0.1 }],
  adamw: [(lr) => adamw({ learningRate: lr, weightDecay: 0 }), { parabola: 0.1, rosenbrock: 0.05, leastSquares: 0.1 }],
  signsgd: [(lr) => signSgd({ learningRate: lr }), { parabola: 0.05, rosenbrock: 0.005, leastSquares: 0.05 }],
  signum: [(lr) => signum({ learningRate: lr }), { parabola: 0.05, rosenbrock: 0.02, leastSquares: 0.05 }],
  lion: [(lr) => lion({ learningRate: lr }), { parabola: 0.05, rosenbrock: 0.02, leastSquares: 0.05 }],
  muon: [(lr) => muon({ learningRate: lr }), { parabola: 0.2, leastSquares: 0.2 }],
  shampoo: [(lr) => shampoo({ learningRate: lr }), { parabola: 0.05, leastSquares: 0.05 }],
  momo: [(lr) => momo({ learningRate: lr }), { parabola: 1, rosenbrock: 0.01, leastSquares: 1 }],
  muonmax: [(lr) => muonMax({ learningRate: lr }), { parabola: 0.02, leastSquares: 0.1 }],
  'muonmax-momo': [(lr) => muonMaxMomo({ learningRate: lr }), { parabola: 0.05, leastSquares: 0.3 }],
};

describe.each(Object.entries(TABLE))('%s converges', (name, [make, lrs]) => {
  it.each(Object.keys(lrs))('on %s', async (problemName) => {
    const problem = PROBLEMS[problemName]!;
    const params = Object.fromEntries(Object.entries(problem.init()).map(([k, v]) => [k, requireGrad(v.keep())]));
    const opt = createOptimizer(make(cosineDecay(lrs[problemName]!, problem.steps, 0.01)), params);
    let first = NaN;
    for (let t = 0; t < problem.steps; t++) {
      const loss = scope(() => {
        const l = problem.loss(params);
        backward(l);
        opt.step(Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p.grad!])), { loss: l });
        for (const p of Object.values(params)) {
          p.grad!.dispose();
          p.grad = undefined;
        }
        return t === 0 ? l.keep() : undefined;
      });
      if (loss) first = await loss.item();
    }
    const final = await scope(() => problem.loss(params).keep()).item();
    console.log(`${name.padEnd(9)} ${problemName.padEnd(12)} lr ${lrs[problemName]}: ${first.toPrecision(3)} → ${final.toExponential(2)}`);
    expect(final).toBeLessThan(problem.target);
    Object.values(params).forEach((p) => p.dispose());
  });
});
