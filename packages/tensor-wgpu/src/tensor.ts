/**
 * Tensor: an f32 (or i32) array on a GPU buffer with a shape, plus its autodiff bookkeeping.
 *
 * Lifetime is explicit: `dispose()` frees now; `scope(fn)` frees every tensor created inside `fn`
 * except those it returns or marks with `keep()`. Reshapes share storage (reference counted).
 * Reading back (`read`, `item`) is the only way data comes to the CPU.
 */
import { acquireBuffer, type PooledBuffer, releaseBuffer } from './buffer.js';
import { download } from './runtime.js';

export type DType = 'f32' | 'i32';
export type Shape = readonly number[];

/** What the tape remembers about the op that made a tensor (see autodiff/tape.ts). */
export interface TapeNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly attrs: unknown;
  /** Tensors kept for the backward pass, owned by this node. */
  readonly saved: readonly Tensor[];
  /** An op with several outputs: all of them, sharing this node (see recordMulti). */
  readonly outputs?: readonly Tensor[];
}

class Storage {
  refs = 1;
  constructor(readonly buffer: PooledBuffer) {}
  release(): void {
    if (--this.refs === 0) releaseBuffer(this.buffer);
  }
}

const scopes: Set<Tensor>[] = [];

export class Tensor {
  readonly size: number;
  requiresGrad = false;
  /** Accumulated gradient of a leaf after `backward()`. */
  grad: Tensor | undefined;
  node: TapeNode | undefined;
  #storage: Storage | undefined;
  #escaped = false;

  constructor(
    readonly shape: Shape,
    readonly dtype: DType = 'f32',
    storage?: Storage,
  ) {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new RangeError(`Invalid shape [${shape.join(', ')}]: dimensions must be non-negative integers.`);
    }
    this.size = shape.reduce((a, b) => a * b, 1);
    if (storage) {
      storage.refs++;
      this.#storage = storage;
    } else {
      this.#storage = new Storage(acquireBuffer(Math.max(1, this.size) * 4));
    }
    scopes[scopes.length - 1]?.add(this);
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Whether another live tensor (a view) shares this one's storage. */
  get sharesStorage(): boolean {
    return (this.#storage?.refs ?? 0) > 1;
  }

  get isDisposed(): boolean {
    return this.#storage === undefined;
  }

  /** The GPU buffer (a size class ≥ size·4 bytes). Throws once disposed. */
  get buffer(): PooledBuffer {
    if (!this.#storage) throw new Error(`Use of a disposed tensor [${this.shape.join(', ')}].`);
    return this.#storage.buffer;
  }

  /** A tensor of another shape with the same elements, sharing this one's storage. */
  view(shape: Shape): Tensor {
    if (!this.#storage) throw new Error('Use of a disposed tensor.');
    return new Tensor(shape, this.dtype, this.#storage);
  }

  /** Frees the storage (when no view still holds it) and what the tape saved for backward. */
  dispose(): void {
    if (!this.#storage) return;
    this.#storage.release();
    this.#storage = undefined;
    // What the node saved goes with its last output.
    if (this.node && !this.node.outputs?.some((t) => !t.isDisposed)) for (const t of this.node.saved) t.dispose();
    this.node = undefined;
    this.grad?.dispose();
    this.grad = undefined;
  }

  /** Lets this tensor outlive the enclosing `scope`. */
  keep(): this {
    this.#escaped = true;
    for (const s of scopes) s.delete(this);
    return this;
  }

  get escaped(): boolean {
    return this.#escaped;
  }

  /** Copies the data to the CPU. */
  async read(): Promise<Float32Array | Int32Array> {
    const bytes = await download(this.buffer, this.size * 4);
    return this.dtype === 'f32' ? new Float32Array(bytes) : new Int32Array(bytes);
  }

  async readF32(): Promise<Float32Array> {
    if (this.dtype !== 'f32') throw new TypeError('readF32() on an i32 tensor');
    return (await this.read()) as Float32Array;
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new RangeError(`item() needs one element, got shape [${this.shape.join(', ')}]`);
    return (await this.read())[0]!;
  }

  toString(): string {
    return `Tensor(${this.dtype}, [${this.shape.join(', ')}])`;
  }
}

function collect(value: unknown, into: Set<Tensor>): void {
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) for (const v of value) collect(v, into);
  else if (value && typeof value === 'object' && !(value instanceof Promise)) {
    for (const v of Object.values(value)) collect(v, into);
  }
}

function endScope(created: Set<Tensor>, result: unknown): void {
  const keep = new Set<Tensor>();
  collect(result, keep);
  const parent = scopes[scopes.length - 1];
  for (const t of created) {
    if (keep.has(t) || t.escaped) parent?.add(t);
    else t.dispose();
  }
  // Tensors returned from the scope must keep what their saved state needs.
}

/** Runs `fn`, then disposes every tensor it created except those returned or kept. */
export function scope<T>(fn: () => T): T {
  const created = new Set<Tensor>();
  scopes.push(created);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  if (result instanceof Promise) {
    // Everything created before the first await would be freed while still in use.
    throw new Error('scope(fn): fn returned a Promise; use scopeAsync for async functions.');
  }
  endScope(created, result);
  return result;
}

/** `scope` for async functions (do not interleave two async scopes). */
export async function scopeAsync<T>(fn: () => Promise<T>): Promise<T> {
  const created = new Set<Tensor>();
  scopes.push(created);
  let result: T;
  try {
    result = await fn();
  } finally {
    scopes.splice(scopes.lastIndexOf(created), 1);
  }
  endScope(created, result);
  return result;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function shapeStr(s: Shape): string {
  return `[${s.join(', ')}]`;
}
