/**
 * Suite 3: kernels — matmul at the tensor-wgpu issue's shapes and softmax side by side with
 * tfjs-backend-webgpu on the same device, timed alternately (ratio = median of tfjs time / ours), then our attention
 * forward+backward, softmax + cross-entropy, RMSNorm, embedding backward and MoE dispatch.
 */
import {
  backward, broadcastTo, reshape, causalAttention, crossEntropy, embedding, gatherRows, groupedMatmul, matmul, randNormal, requireGrad, rmsNorm,
  routeByExpert, scope, softmax, sumAll, sync, tensor, topk, type Gpu, type Tensor,
} from '@optimlab/tensor-wgpu';
import { gflops, timeIt, timePaired, type Row, type SuiteResult } from '../harness.js';
import type { Peer } from '../tfjs-peer.js';

const kept = (t: Tensor): Tensor => t.keep();

async function vsPeer(name: string, flop: number, ours: () => void, theirs: () => void, peer: Peer, rounds: number): Promise<Row> {
  const t = await timePaired(
    async () => {
      scope(ours);
      await sync();
    },
    async () => {
      peer.tf.tidy(theirs);
      await peer.finish();
    },
    rounds,
  );
  return { kernel: name, 'ours ms': t.ours, 'ours GFLOP/s': flop ? gflops(flop, t.ours) : '', 'tfjs ms': t.theirs, 'tfjs GFLOP/s': flop ? gflops(flop, t.theirs) : '', 'tfjs/ours': t.ratio };
}

export async function kernelSuite({ large, peer }: { large: boolean; gpu: Gpu; peer: Peer }): Promise<SuiteResult> {
  const rows: Row[] = [];
  const shapes: [string, number, number, number][] = [
    ['matmul 256²', 256, 256, 256],
    ['matmul 512²', 512, 512, 512],
    ['matmul 1024²', 1024, 1024, 1024],
    ['matmul 2048×384·384×1536', 2048, 384, 1536],
    ['matmul 2048×1536·1536×384', 2048, 1536, 384],
    ['matmul 2048×384·384×1152', 2048, 384, 1152],
  ];
  if (large) shapes.push(['matmul 2048²', 2048, 2048, 2048]);
  for (const [name, M, K, N] of shapes) {
    const a = kept(randNormal([M, K], { seed: 1 }));
    const b = kept(randNormal([K, N], { seed: 2 }));
    const ta = peer.tf.keep(peer.tf.randomNormal([M, K]));
    const tb = peer.tf.keep(peer.tf.randomNormal([K, N]));
    // Small products run several times per timed call (one wait for the GPU at the end, for both
    // sides): a single 256² product is ~3 ms, where the wait's own jitter is a large share.
    const reps = Math.max(1, Math.floor(1e8 / (M * N * K)));
    const ours = (): void => {
      for (let r = 0; r < reps; r++) matmul(a, b);
    };
    const theirs = (): void => {
      for (let r = 0; r < reps; r++) peer.tf.matMul(ta, tb);
    };
    const row = await vsPeer(name, 2 * M * N * K * reps, ours, theirs, peer, M * N * K > 1e9 ? 3 : 7);
    rows.push(reps > 1 ? { ...row, kernel: `${name} (×${reps} per call)` } : row);
    for (const t of [a, b]) t.dispose();
    peer.tf.dispose([ta, tb]);
  }
  {
    const x = kept(randNormal([2048, 2048], { seed: 3 }));
    const tx = peer.tf.keep(peer.tf.randomNormal([2048, 2048]));
    rows.push(await vsPeer('softmax 2048×2048', 0, () => void softmax(x), () => void peer.tf.softmax(tx), peer, 7));
    x.dispose();
    tx.dispose();
  }
  const ourOnly = async (name: string, flop: number, fn: () => void, iterations = 3): Promise<void> => {
    const ms = await timeIt(name, async () => {
      scope(fn);
      await sync();
    }, { iterations });
    rows.push({ kernel: name, 'ours ms': ms, 'ours GFLOP/s': flop ? gflops(flop, ms) : '', 'tfjs ms': '', 'tfjs GFLOP/s': '', 'tfjs/ours': '' });
  };
  {
    const [B, H, T, D] = [2, 8, 256, 48];
    const q = kept(randNormal([B, H, T, D], { seed: 4 }));
    const k = kept(randNormal([B, H, T, D], { seed: 5 }));
    const v = kept(randNormal([B, H, T, D], { seed: 6 }));
    const flop = B * H * T * T * D * 2; // causal: half of 4·T²·D
    await ourOnly(`attention fwd+bwd ${B}×${H}×${T}×${D}`, 3 * flop, () => {
      const [qq, kk, vv] = [q, k, v].map((t) => requireGrad(t));
      backward(sumAll(causalAttention(qq!, kk!, vv!)));
      for (const t of [qq!, kk!, vv!]) {
        t.grad?.dispose();
        t.grad = undefined;
      }
    });
  }
  {
    const logits = kept(requireGrad(randNormal([1024, 4096], { seed: 7 })));
    const targets = kept(tensor(Array.from({ length: 1024 }, (_, i) => (i * 97) % 4096), [1024], 'i32'));
    await ourOnly('softmax+cross-entropy fwd+bwd 1024×4096', 0, () => {
      backward(crossEntropy(logits, targets));
      logits.grad?.dispose();
      logits.grad = undefined;
    });
  }
  {
    const x = kept(requireGrad(randNormal([2048, 384], { seed: 8 })));
    const w = kept(requireGrad(randNormal([384], { seed: 9 })));
    await ourOnly('RMSNorm fwd+bwd 2048×384', 0, () => {
      backward(sumAll(rmsNorm(x, w)));
      for (const t of [x, w]) {
        t.grad?.dispose();
        t.grad = undefined;
      }
    });
  }
  {
    const table = kept(requireGrad(randNormal([8192, 384], { seed: 10 })));
    const ids = kept(tensor(Array.from({ length: 2048 }, (_, i) => (i * 131) % 8192), [2048], 'i32'));
    await ourOnly('embedding fwd+bwd 2048 ids of 8192×384', 0, () => {
      backward(sumAll(embedding(table, ids)));
      table.grad?.dispose();
      table.grad = undefined;
    });
  }
  {
    const [N, d, f, E, k] = [2048, 384, 1536, 8, 2];
    const h = kept(randNormal([N, d], { seed: 11 }));
    const router = kept(randNormal([E, d], { seed: 12 }));
    const w1 = kept(randNormal([E, f, d], { seed: 13, std: 0.02 }));
    await ourOnly(`MoE dispatch: route + gather + grouped matmul (${N} tokens, top-${k} of ${E}, ${d}→${f})`, 2 * N * k * d * f, () => {
      const { indices } = topk(matmul(h, router, { transB: true }), k);
      const routing = routeByExpert(indices, E);
      const slots = reshape(broadcastTo(reshape(h, [N, 1, d]), [N, k, d]), [N * k, d]); // slot = token·k + choice
      groupedMatmul(gatherRows(slots, routing.order), w1, routing);
    });
  }
  return { suite: 'kernels', rows };
}
