/** Float64 references: stable sort of slots by expert, and the grouped matmul. */
export function routeRef(choices: ArrayLike<number>, experts: number): { order: number[]; position: number[]; rowExpert: number[]; offsets: number[]; fraction: number[] } {
  const order: number[] = [];
  const rowExpert: number[] = [];
  const offsets = [0];
  for (let e = 0; e < experts; e++) {
    for (let s = 0; s < choices.length; s++) if (choices[s] === e) {
      order.push(s);
      rowExpert.push(e);
    }
    offsets.push(order.length);
  }
  const fraction = Array.from({ length: experts }, (_, e) => (offsets[e + 1]! - offsets[e]!) / Math.max(choices.length, 1));
  const position = new Array<number>(choices.length).fill(-1);
  order.forEach((s, r) => (position[s] = r));
  return { order, position, rowExpert, offsets, fraction };
}

/** Y[r] = X[r] · W[e(r)]ᵀ with W (E, out, in). */
export function groupedMatmulRef(x: ArrayLike<number>, w: ArrayLike<number>, rowExpert: readonly number[], out: number, inner: number): Float64Array {
  const y = new Float64Array(rowExpert.length * out);
  rowExpert.forEach((e, r) => {
    for (let o = 0; o < out; o++) {
      let acc = 0;
      for (let i = 0; i < inner; i++) acc += x[r * inner + i]! * w[(e * out + o) * inner + i]!;
      y[r * out + o] = acc;
    }
  });
  return y;
}
