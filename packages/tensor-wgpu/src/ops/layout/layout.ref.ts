/** Float64 references for transpose, slice and concat. */
function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1]! * shape[d + 1]!;
  return s;
}

function unravel(i: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return c;
}

export function transposeRef(x: ArrayLike<number>, shape: readonly number[], perm: readonly number[]): Float64Array {
  const outShape = perm.map((d) => shape[d]!);
  const s = strides(shape);
  const out = new Float64Array(x.length);
  for (let i = 0; i < out.length; i++) {
    const c = unravel(i, outShape);
    out[i] = x[c.reduce((acc, v, d) => acc + v * s[perm[d]!]!, 0)]!;
  }
  return out;
}

export function sliceRef(x: ArrayLike<number>, shape: readonly number[], axis: number, start: number, end: number): Float64Array {
  const outShape = shape.map((d, i) => (i === axis ? end - start : d));
  const s = strides(shape);
  const out = new Float64Array(outShape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) {
    const c = unravel(i, outShape);
    c[axis]! += start;
    out[i] = x[c.reduce((acc, v, d) => acc + v * s[d]!, 0)]!;
  }
  return out;
}

export function concatRef(xs: ArrayLike<number>[], shapes: readonly (readonly number[])[], axis: number): Float64Array {
  const outShape = shapes[0]!.map((d, i) => (i === axis ? shapes.reduce((a, s) => a + s[axis]!, 0) : d));
  const out = new Float64Array(outShape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) {
    const c = unravel(i, outShape);
    let k = 0;
    while (c[axis]! >= shapes[k]![axis]!) c[axis]! -= shapes[k++]![axis]!;
    out[i] = xs[k]![c.reduce((acc, v, d) => acc + v * strides(shapes[k]!)[d]!, 0)]!;
  }
  return out;
}
