/** Muon's per-matrix update scale (shared/reference/optimizers.md §1; rows = out features). */

/** 'original': √max(1, rows/cols) (Keller Jordan); 'matchAdamW': 0.2·√max(rows, cols) (Moonshot); 'none': 1. */
export type MuonScale = 'original' | 'matchAdamW' | 'none';

export function muonScale(rows: number, cols: number, scale: MuonScale): number {
  if (scale === 'original') return Math.sqrt(Math.max(1, rows / cols));
  if (scale === 'matchAdamW') return 0.2 * Math.sqrt(Math.max(rows, cols));
  return 1;
}
