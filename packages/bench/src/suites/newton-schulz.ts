/**
 * Suite 1: Newton–Schulz cost vs quality — 3, 4, 5 and 10 iterations (Keller's quintic), 3 and 4
 * from Turbo-Muon's AOL start, and Polar Express (8 steps) on the thesis matrix shapes, square matrices and all experts of a layer at once.
 * Quality: ‖XXᵀ − I‖_F/√n on the smaller side (0 = exactly orthogonal).
 */
import { newtonSchulz } from '@optimlab/optim';
import { matmul, randNormal, scope, sub, sumAll, square, sync, tensor, type Tensor } from '@optimlab/tensor-wgpu';
import { gflops, timeIt, timePaired, type SuiteResult } from '../harness.js';

/** Nominal flops of the direct iteration (Gram space, where auto picks it, does fewer). */
function nsFlop(shape: readonly number[], steps: number): number {
  const [n, r, c] = shape.length === 3 ? (shape as [number, number, number]) : [1, shape[0]!, shape[1]!];
  const [m, k] = r <= c ? [r, c] : [c, r];
  return n * steps * (2 * m * m * k + 2 * m * m * m + 2 * m * m * k);
}

async function orthogonalityError(x: Tensor): Promise<number> {
  return scope(() => {
    const [r, c] = x.shape.slice(-2) as [number, number];
    const gram = r <= c ? matmul(x, x, { transB: true }) : matmul(x, x, { transA: true }); // (…, m, m)
    const m = Math.min(r, c);
    const batch = x.ndim === 3 ? x.shape[0]! : 1;
    const eye = new Float32Array(batch * m * m);
    for (let b = 0; b < batch; b++) for (let i = 0; i < m; i++) eye[b * m * m + i * m + i] = 1;
    return sumAll(square(sub(gram, tensor(eye, gram.shape)))).keep();
  })
    .item()
    .then((ss) => Math.sqrt(ss / (x.ndim === 3 ? x.shape[0]! : 1)) / Math.sqrt(Math.min(...x.shape.slice(-2))));
}

export async function newtonSchulzSuite({ large }: { large: boolean }): Promise<SuiteResult> {
  const shapes: [string, number[]][] = [
    ['router 8×384', [8, 384]],
    ['w_o 384×384', [384, 384]],
    ['square 256', [256, 256]],
    ['square 512', [512, 512]],
    ['qkv 1152×384', [1152, 384]],
  ];
  if (large) {
    shapes.push(['expert 1536×384', [1536, 384]], ['expert 384×1536', [384, 1536]], ['square 1024', [1024, 1024]], ['8 experts 8×1536×384', [8, 1536, 384]]);
  }
  // aol: Turbo-Muon's AOL start (arXiv:2512.04632), which its paper runs at 4 steps.
  const variants: [string, number, 'keller' | 'polarExpress', 'frobenius' | 'aol'][] = [
    ['ns3', 3, 'keller', 'frobenius'],
    ['ns4', 4, 'keller', 'frobenius'],
    ['ns5', 5, 'keller', 'frobenius'],
    ['aol3', 3, 'keller', 'aol'],
    ['aol4', 4, 'keller', 'aol'],
    ['ns10', 10, 'keller', 'frobenius'],
    ['polar8', 8, 'polarExpress', 'frobenius'],
  ];
  const rows = [];
  for (const [name, shape] of shapes) {
    const g = randNormal(shape, { seed: 1 }).keep();
    for (const [variant, steps, coefficients, precondition] of variants) {
      const ms = await timeIt(`${name} ${variant}`, async () => {
        newtonSchulz(g, { steps, coefficients, precondition }).dispose();
        await sync();
      }, { iterations: 3 });
      const x = newtonSchulz(g, { steps, coefficients, precondition });
      const err = await orthogonalityError(x);
      x.dispose();
      rows.push({ shape: name, variant, 'ms/call': ms, 'GFLOP/s': gflops(nsFlop(shape, steps), ms), '‖XXᵀ−I‖/√n': err });
    }
    g.dispose();
  }
  return { suite: 'newton-schulz', rows };
}

/**
 * Gram-space vs direct iteration (5 steps, Keller), timed alternately: the expert stacks Muon
 * orthogonalises in one call (the cpu preset's 16 per shape; the thesis's 8 per layer) and the
 * attention projection.
 */
export async function gramSpaceSuite({ large }: { large: boolean }): Promise<SuiteResult> {
  const shapes: [string, number[]][] = [
    ['cpu experts 16×256×64', [16, 256, 64]],
    ['cpu experts 16×64×256', [16, 64, 256]],
    ['cpu qkv 2×192×64', [2, 192, 64]],
    ['qkv 1152×384', [1152, 384]],
  ];
  if (large) shapes.push(['8 experts 8×1536×384', [8, 1536, 384]]);
  const rows = [];
  for (const [name, shape] of shapes) {
    const g = randNormal(shape, { seed: 2 }).keep();
    const call = (gram: boolean) => async (): Promise<void> => {
      newtonSchulz(g, { gram }).dispose();
      await sync();
    };
    const { ours, theirs, ratio } = await timePaired(call(true), call(false), 5);
    rows.push({ shape: name, 'Gram ms': ours, 'direct ms': theirs, 'direct / Gram': ratio });
    g.dispose();
  }
  return { suite: 'newton-schulz: Gram space vs direct', rows };
}
