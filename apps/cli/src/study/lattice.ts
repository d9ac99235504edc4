/** Learning-rate grids: the log lattice every study grid lives on, and where a grid whose best point is at an edge extends. */

/**
 * Where to extend a learning-rate grid: when the lowest loss (Infinity = diverged) is at an edge,
 * one more point beyond it in the ratio of the two outermost points there; undefined when the
 * optimum is inside (bracketed) or nothing converged.
 */
export function nextGridPoint(points: readonly { lr: number; loss: number }[], perDecade?: number): { lr: number; edge: 'top' | 'bottom'; ratio: number } | undefined {
  if (points.length < 2) return undefined;
  const sorted = [...points].sort((a, b) => a.lr - b.lr);
  const best = sorted.reduce((a, b) => (b.loss < a.loss ? b : a));
  if (!Number.isFinite(best.loss)) return undefined;
  const [first, second, last, before] = [sorted[0]!, sorted[1]!, sorted[sorted.length - 1]!, sorted[sorted.length - 2]!];
  if (perDecade) {
    const step = 10 ** (1 / perDecade);
    if (best === last) return { lr: latticeLr(latticeIndex(last.lr, perDecade) + 1, perDecade), edge: 'top', ratio: step };
    if (best === first) return { lr: latticeLr(latticeIndex(first.lr, perDecade) - 1, perDecade), edge: 'bottom', ratio: step };
    return undefined;
  }
  if (best === last) return { lr: Number((last.lr * (last.lr / before.lr)).toPrecision(4)), edge: 'top', ratio: last.lr / before.lr };
  if (best === first) return { lr: Number((first.lr / (second.lr / first.lr)).toPrecision(4)), edge: 'bottom', ratio: second.lr / first.lr };
  return undefined;
}

/**
 * The log lattice every study grid lives on: 10^(k / perDecade), to 3 significant digits. One
 * lattice for every optimizer of a study makes their LR ranges comparable point for point.
 */
export const latticeLr = (k: number, perDecade: number): number => Number((10 ** (k / perDecade)).toPrecision(3));
/** The lattice index nearest to `lr`. */
export const latticeIndex = (lr: number, perDecade: number): number => Math.round(Math.log10(lr) * perDecade);
/** `n` lattice points centred on the one nearest `center` (the lower side gets the extra point when n is even). */
export function latticeAround(center: number, n: number, perDecade: number): number[] {
  const k0 = latticeIndex(center, perDecade) - Math.floor(n / 2);
  return Array.from({ length: n }, (_, i) => latticeLr(k0 + i, perDecade));
}
