/**
 * The thesis's own numbers (thesis scale: d=384, 6 layers, 8 experts, seq 512, a 24 GB GPU; from
 * shared/reference/thesis.md), printed beside ours so a reader sees both — never mixed with them.
 */
export const THESIS_MUON_SWEEP: Record<string, number> = { 0.02: 7.0537, 0.03: 6.3604, 0.04: 6.0677, 0.05: 5.8931, 0.07: 5.7239, 0.09: 5.8126, 0.1: 5.9441, 0.15: 7.1785 };
export const THESIS_ADAM_SWEEP: Record<string, number> = {
  0.0001: 7.7662, 0.0002: 7.5168, 0.0003: 7.3465, 0.0005: 7.0784, 0.0007: 6.9064, 0.001: 6.7262, 0.002: 6.8219, 0.003: 7.012, 0.005: 7.5849, 0.007: 8.1755, 0.01: 9.0635,
};
export const THESIS_ABLATIONS: Record<string, number> = {
  'momentum 0.9': 5.1867, 'momentum 0.95': 5.2145, 'momentum 0.97': 5.2518, 'momentum 0.99': 5.3126,
  'wd 0.05': 5.2145, 'wd 0.1': 5.1867, 'wd 0.2': 5.158,
  'ns 3': 5.1913, 'ns 5': 5.1867, 'ns 10': 5.1893,
  'nesterov on': 5.1867, 'nesterov off': 5.1935,
  'warmup 0': 5.5834, 'warmup 0.05': 5.1867, 'warmup 0.1': 5.2296, 'warmup 0.2': 5.3842,
  'schedule cosine': 5.1867, 'schedule linear': 5.2145, 'schedule step': 5.2518, 'schedule constant': 5.2518,
  'constant lr': 5.5477, 'cosine, no warmup': 5.5887, 'warmup 0.1 (adam)': 5.728, 'warmup 0.05 (adam)': 5.7521,
  'wd 0.2 (adam)': 5.7733, 'wd 0.05 (adam)': 5.8084, 'linear decay': 5.8106,
};
export const THESIS_FINAL = { muonLong: 5.158, adamLong: 5.548, muonShort: 5.724, adamShort: 6.726, muonMinutes: 1.95, adamMinutes: 1.8, lrRatio: 70 };
