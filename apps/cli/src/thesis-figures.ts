/**
 * The thesis's own numbers (thesis scale: d=384, 6 layers, 8 experts, seq 512, a 24 GB GPU; from
 * shared/reference/thesis.md), printed beside ours so a reader sees both — never mixed with them.
 */
export const THESIS_FINAL = { muonLong: 5.158, adamLong: 5.548, muonShort: 5.724, adamShort: 6.726, muonMinutes: 1.95, adamMinutes: 1.8, lrRatio: 70 };
