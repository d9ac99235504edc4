/** The elementwise functions as WGSL expressions, with their derivatives: data only (the tape's attributes name them). */

const GELU_C = 'T(0.7978845608028654)'; // sqrt(2/pi), tanh approximation of GELU
/** f(x, p) and f'(x) given x, y = f(x), p. Expressions over T (f32 or vec4<f32>). */
export const UNARY = {
  neg: { f: '-x', df: 'T(-1.0)' },
  exp: { f: 'exp(x)', df: 'y' },
  log: { f: 'log(x)', df: 'T(1.0) / x' },
  sqrt: { f: 'sqrt(x)', df: 'T(0.5) / y' },
  rsqrt: { f: 'inverseSqrt(x)', df: 'T(-0.5) * y * y * y' },
  abs: { f: 'abs(x)', df: 'sign(x)' },
  sign: { f: 'sign(x)', df: 'T(0.0)' },
  // tanh of |x| > 15 is ±1 in f32; the clamp avoids inf/inf in implementations using exp.
  tanh: { f: 'tanh(clamp(x, T(-15.0), T(15.0)))', df: 'T(1.0) - y * y' },
  sigmoid: { f: 'T(1.0) / (T(1.0) + exp(-x))', df: 'y * (T(1.0) - y)' },
  relu: { f: 'max(x, T(0.0))', df: 'select(T(0.0), T(1.0), x > T(0.0))' },
  silu: {
    f: 'x / (T(1.0) + exp(-x))',
    df: '(T(1.0) / (T(1.0) + exp(-x))) * (T(1.0) + x * (T(1.0) - T(1.0) / (T(1.0) + exp(-x))))',
  },
  // GELU, tanh approximation (GPT-2): 0.5 x (1 + tanh(c (x + 0.044715 x^3))).
  gelu: {
    f: `T(0.5) * x * (T(1.0) + tanh(clamp(${GELU_C} * (x + T(0.044715) * x * x * x), T(-15.0), T(15.0))))`,
    df: `T(0.5) * (T(1.0) + tanh(clamp(${GELU_C} * (x + T(0.044715) * x * x * x), T(-15.0), T(15.0)))) + T(0.5) * x * (T(1.0) - pow(tanh(clamp(${GELU_C} * (x + T(0.044715) * x * x * x), T(-15.0), T(15.0))), T(2.0))) * ${GELU_C} * (T(1.0) + T(0.134145) * x * x)`,
  },
  square: { f: 'x * x', df: 'T(2.0) * x' },
  /** x·p */
  scale: { f: 'x * p', df: 'p' },
  /** x + p */
  shift: { f: 'x + p', df: 'T(1.0)' },
  /** x^p for x > 0 (WGSL pow) */
  powScalar: { f: 'pow(x, p)', df: 'p * pow(x, p - T(1.0))' },
} as const satisfies Record<string, { f: string; df: string }>;
export type UnaryFn = keyof typeof UNARY;

/** f(a, b) and the two partial derivatives' products with g (given a, b, y, g). */
export const BINARY = {
  add: { f: 'a + b', da: 'g', db: 'g' },
  sub: { f: 'a - b', da: 'g', db: '-g' },
  mul: { f: 'a * b', da: 'g * b', db: 'g * a' },
  div: { f: 'a / b', da: 'g / b', db: '-g * a / (b * b)' },
  pow: { f: 'pow(a, b)', da: 'g * b * pow(a, b - T(1.0))', db: 'g * pow(a, b) * log(a)' },
  maximum: { f: 'max(a, b)', da: 'select(T(0.0), g, a >= b)', db: 'select(g, T(0.0), a >= b)' },
  minimum: { f: 'min(a, b)', da: 'select(T(0.0), g, a <= b)', db: 'select(g, T(0.0), a <= b)' },
} as const satisfies Record<string, { f: string; da: string; db: string }>;
export type BinaryFn = keyof typeof BINARY;

/** Comparisons give 1 or 0 and have no gradient. */
export const COMPARE = {
  gt: 'select(T(0.0), T(1.0), a > b)',
  ge: 'select(T(0.0), T(1.0), a >= b)',
  lt: 'select(T(0.0), T(1.0), a < b)',
  eq: 'select(T(0.0), T(1.0), a == b)',
} as const;
export type CompareFn = keyof typeof COMPARE;
