/** Ops the tape itself needs (kept apart so tape.ts imports no op wrappers with tape records). */
export { add, addInPlace, copy, fill } from '../ops/elementwise/elementwise.js';
