import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The one TypeScript file that loads the oneDNN addon (native/, built by native/build.mjs) and
 * declares its shape. Every native entry point takes plain row-major f32 buffers, writes into a
 * caller-allocated output and returns false when oneDNN has no implementation for the case, so the
 * caller can fall back. Calls are synchronous and run on the calling thread.
 */

/** Spatial geometry of a forward convolution; `w` is [O, I, k...] or GroupConvolution's [G, O/G, I/G, k...]. */
export interface ConvGeometry {
  x: number[];
  w: number[];
  y: number[];
  strides: number[];
  /** OpenVINO's meaning: 1 = dense. */
  dilations: number[];
  padsBegin: number[];
  padsEnd: number[];
}

export interface PoolGeometry {
  x: number[];
  y: number[];
  kernel: number[];
  strides: number[];
  dilations: number[];
  padsBegin: number[];
  /** Already extended so that the output size follows (ceil rounding shows up here). */
  padsEnd: number[];
  algorithm: 'max' | 'avg' | 'avgExcludePad';
}

export type EltwiseAlgorithm = 'relu' | 'logistic' | 'tanh' | 'exp' | 'elu' | 'clip' | 'gelu_erf' | 'gelu_tanh'
  | 'swish' | 'hardswish' | 'mish' | 'soft_relu' | 'abs' | 'sqrt' | 'log';
export type BinaryAlgorithm = 'add' | 'mul' | 'sub' | 'div' | 'max' | 'min';

declare const packedBrand: unique symbol;
/** Convolution weights already in the primitive's layout; valid only for the geometry they were packed for. */
export interface PackedWeights { readonly [packedBrand]: true }

declare const planBrand: unique symbol;
declare const contextBrand: unique symbol;
/** A built plan (native/src/plan.h): primitives, chosen layouts, packed weights. */
export interface PlanHandle { readonly [planBrand]: true }
/** One infer request's arena over a plan. */
export interface PlanContextHandle { readonly [contextBrand]: true }
declare const checksumBrand: unique symbol;
/** A checksum running on a native thread. */
export interface ChecksumHandle { readonly [checksumBrand]: true }

/** A tensor of a plan: row-major dims; constants carry their f32 data (copied by the plan). */
export interface PlanSlotDesc {
  dims: number[];
  kind: 'arena' | 'external' | 'const';
  /** A reader outside the primitive chain needs row-major layout. */
  plain?: boolean;
  /** f32 unless quantized: u8/s8 activations, s8 int8 weights (whose data is then an Int8Array). */
  type?: 'f32' | 'u8' | 's8';
  data?: Float32Array | Int8Array | Uint8Array;
  /** A constant from the model cache that exists only as packed weights (see createPlanPacked): no data. */
  packedOnly?: boolean;
}

/** What makes a conv or matmul step int8 (its source slot is u8/s8 and its weights s8). */
export interface Int8Params {
  /** Output scales: src scale × weight scale, one per output channel (or one for all). */
  scales?: Float32Array;
  srcZeroPoint?: number;
}

export type PlanPostOp =
  | { kind: 'eltwise'; algorithm: EltwiseAlgorithm | 'linear'; alpha: number; beta: number }
  | { kind: 'sum'; src: number }
  | { kind: 'binary'; algorithm: BinaryAlgorithm; src: number };

/** One step: a oneDNN primitive (or a view) over slot ids; see native/src/plan-build.cc. */
export type PlanStep =
  | ({ kind: 'conv'; src: number; weights: number; bias?: number; dst: number; strides: number[]; dilations: number[];
    padsBegin: number[]; padsEnd: number[]; post: PlanPostOp[] } & Int8Params)
  | { kind: 'deconv'; src: number; weights: number; bias?: number; dst: number; strides: number[]; dilations: number[];
    padsBegin: number[]; padsEnd: number[]; post: PlanPostOp[] }
  | ({ kind: 'matmul'; a: number; b: number; bias?: number; dst: number; transposeA: boolean; transposeB: boolean; post: PlanPostOp[] } & Int8Params)
  /** Interpolate over the spatial axes, with oneDNN's half-pixel coordinates (scale out/in). */
  | { kind: 'resample'; src: number; dst: number; algorithm: 'nearest' | 'linear' }
  /** f32 → u8/s8: saturate(round(x / scale) + zeroPoint); channelsLast when convolutions read it. */
  | { kind: 'quantize'; src: number; dst: number; scale: number; zeroPoint: number; layout: 'plain' | 'channelsLast' }
  /** u8/s8 → f32: scale · (q − zeroPoint). */
  | { kind: 'dequantize'; src: number; dst: number; scale: number; zeroPoint: number }
  | { kind: 'pool'; src: number; dst: number; algorithm: PoolGeometry['algorithm']; kernel: number[]; strides: number[];
    dilations: number[]; padsBegin: number[]; padsEnd: number[] }
  | { kind: 'eltwise'; src: number; dst: number; algorithm: EltwiseAlgorithm | 'linear'; alpha: number; beta: number }
  | { kind: 'binary'; a: number; b: number; dst: number; algorithm: BinaryAlgorithm; post: PlanPostOp[] }
  | { kind: 'softmax'; src: number; dst: number; axis: number; log: boolean }
  | { kind: 'layernorm'; src: number; dst: number; eps: number; scale?: number; shift?: number }
  | { kind: 'batchnorm'; src: number; dst: number; eps: number; mean: number; variance: number; scale: number; shift: number; relu: boolean }
  | { kind: 'concat'; srcs: number[]; dst: number; axis: number }
  | { kind: 'reduce'; src: number; dst: number; algorithm: 'sum' | 'mean' | 'max' | 'min' | 'mul' }
  | { kind: 'reshape'; src: number; dst: number }
  | { kind: 'transpose'; src: number; dst: number; order: number[] }
  | { kind: 'slice'; src: number; dst: number; axis: number; start: number }
  | { kind: 'copy'; src: number; dst: number }
  /** MatMul of row-major f32 `a` [.., M, K] by compressed weights, plus an optional [N] bias (native/src/compressed-matmul.cc). */
  | { kind: 'cmatmul'; a: number; dst: number; bias?: number; compressed: CompressedWeightsDesc };

/**
 * Weights as integer codes with w = scale · (code − zeroPoint), one scale per `groupSize` codes
 * along K (groupSize = K: per output channel). Codes are [K][N] row-major, or [N][K] when
 * `transposed`; u4/i4 pack two a byte, the first in the low nibble. scale and zeroPoint hold
 * K / groupSize × N values, [K/groupSize][N] (transposed: [N][K/groupSize]). The plan reads these
 * buffers in place, so they must live as long as the plan.
 */
export interface CompressedWeightsDesc {
  type: 'u8' | 'i8' | 'u4' | 'i4';
  codes: Uint8Array | Int8Array;
  k: number;
  n: number;
  groupSize: number;
  transposed: boolean;
  scale: Float32Array;
  zeroPoint?: Float32Array;
}

export interface PlanDesc { slots: PlanSlotDesc[]; steps: PlanStep[] }

/** What the memory planner needs of each slot once layouts are chosen (first/last: step indices). */
export interface PlanSlotInfo { bytes: number; first: number; last: number; base: number; offset: number; kind: PlanSlotDesc['kind'] }

/** A weight as a plan packed it: the slot, its oneDNN memory descriptor's bytes, and the packed data. */
export interface PackedWeightBytes { slot: number; desc: Uint8Array; data: Uint8Array }

/** Thrown by createPlan: the failing step, and whether oneDNN simply has no implementation for it. */
export interface PlanBuildError extends Error { step?: number; unimplemented?: boolean }

export interface NativeAddon {
  /** Builds every primitive of a plan; throws a PlanBuildError naming the failing step. */
  createPlan(desc: PlanDesc): PlanHandle;
  planSlots(plan: PlanHandle): PlanSlotInfo[];
  /** The oneDNN implementation behind each primitive, by step (for profiling and diagnostics). */
  planOps(plan: PlanHandle): Array<{ step: number; impl: string; primitive: string }>;
  /** An arena of `arenaBytes` with root slot i at byte offsets[i]. */
  createContext(plan: PlanHandle, offsets: number[], arenaBytes: number): PlanContextHandle;
  /** Runs steps [from, to) on this thread with external slots bound to buffers; `times` adds µs per step. */
  runContext(ctx: PlanContextHandle, from: number, to: number, ids: Int32Array, buffers: Float32Array[], threads: number,
    times?: Float64Array): void;
  /** The same on the context's own run thread; `done` runs on the JS thread. */
  runContextAsync(ctx: PlanContextHandle, from: number, to: number, ids: Int32Array, buffers: Float32Array[], threads: number,
    done: (err: Error | null) => void): void;

  /** OpenMP threads for the primitives run from this thread; 0 means every core. */
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** oneDNN's version. */
  version(): string;
  /** Whether the CPU has an int8 dot product (VNNI); without one, only 7-bit weights run int8 exactly. Absent in older builds. */
  hasInt8Dot?(): boolean;
  /** oneDNN's effective ISA ('avx512_core', 'avx2', ...), which DNNL_MAX_CPU_ISA caps. Absent in older builds. */
  effectiveIsa?(): string;
  /** Number of cached primitives (for tests and diagnostics). */
  cacheSize(): number;
  /**
   * The model cache's entry points (native/src/plan-cache.cc); absent in older builds.
   * createPlanPacked: createPlan, reading a stored packed weight in place wherever a step asks for
   * exactly its layout (the caller keeps the bytes alive as long as the plan).
   */
  createPlanPacked?(desc: PlanDesc, packed: PackedWeightBytes[]): PlanHandle;
  /**
   * createPlanPacked returns while helper threads still create the primitives (oneDNN's code
   * generation), so that restoring the rest overlaps it; this waits for them and throws if one
   * failed. Running, profiling or exporting the plan waits too.
   */
  awaitPlan?(plan: PlanHandle): void;
  /** The weights a plan packed (data views that keep the plan alive), and the constant slots whose row-major data it reads. */
  planPacked?(plan: PlanHandle): { packed: PackedWeightBytes[]; plainSlots: Int32Array };
  /** The instruction set oneDNN targets on this CPU: packed layouts follow it. */
  cpuIsa?(): string;
  /** A private copy-on-write mapping of a whole file, unmapped when collected. */
  mapFile?(path: string): ArrayBuffer;
  /** `crc32c:<hex>` over the buffers (in 1 MiB blocks, on every core). */
  checksum?(parts: readonly Uint8Array[]): string;
  /** `checksum` on a thread of its own (the handle keeps the buffers alive); checksumResult waits for it. */
  checksumStart?(parts: readonly Uint8Array[]): ChecksumHandle;
  checksumResult?(job: ChecksumHandle): string;
  packConvWeights(w: Float32Array, g: ConvGeometry): PackedWeights | false;
  convolution(x: Float32Array, w: Float32Array | PackedWeights, out: Float32Array, g: ConvGeometry): boolean;
  /** Dims are logical (after transposition), of equal rank ≥ 2; batch dims of 1 broadcast. */
  matmul(a: Float32Array, aDims: number[], transposeA: boolean, b: Float32Array, bDims: number[], transposeB: boolean,
    out: Float32Array, outDims: number[]): boolean;
  pooling(x: Float32Array, out: Float32Array, g: PoolGeometry): boolean;
  /** elu: alpha; clip: [alpha, beta]; swish: alpha is Swish's beta. */
  eltwise(x: Float32Array, out: Float32Array, algorithm: EltwiseAlgorithm, alpha: number, beta: number): boolean;
  /** Softmax along the middle axis of [outer, length, inner]. */
  softmax(x: Float32Array, out: Float32Array, outer: number, length: number, inner: number): boolean;
  /** aDims is the output's shape; bDims has the same rank and broadcasts where it holds 1. */
  binary(a: Float32Array, aDims: number[], b: Float32Array, bDims: number[], out: Float32Array, algorithm: BinaryAlgorithm): boolean;
}

const ENTRY_POINTS = ['setNumThreads', 'getNumThreads', 'version', 'cacheSize', 'packConvWeights', 'convolution',
  'matmul', 'pooling', 'eltwise', 'softmax', 'binary', 'createPlan', 'planSlots', 'planOps', 'createContext', 'runContext',
  'runContextAsync'] as const;

function isAddon(m: unknown): m is NativeAddon {
  return typeof m === 'object' && m !== null && ENTRY_POINTS.every((k) => typeof Reflect.get(m, k) === 'function');
}

/** The addon from the source tree (src/plugins/cpu) or the compiled one (dist/src/plugins/cpu). */
function addonPath(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [join(here, '../../../native/build/Release/tsvino_native.node'), join(here, '../../../../native/build/Release/tsvino_native.node')]
    .find((p) => existsSync(p));
}

function load(): { addon?: NativeAddon; reason?: string } {
  if (process.env['TSVINO_DISABLE_NATIVE'] === '1') return { reason: 'disabled by TSVINO_DISABLE_NATIVE=1' };
  const path = addonPath();
  if (!path) return { reason: 'native/build/Release/tsvino_native.node not built (install libdnnl-dev, then run node native/build.mjs)' };
  try {
    const m: unknown = createRequire(import.meta.url)(path);
    return isAddon(m) ? { addon: m } : { reason: `${path} lacks the expected entry points (rebuild it)` };
  } catch (e) {
    return { reason: `${path} failed to load: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}` };
  }
}

const loaded = load();

/** The oneDNN addon, or undefined when it is not built, fails to load or is disabled. */
export const native: NativeAddon | undefined = loaded.addon;
/** Why `native` is undefined (undefined when it loaded). */
export const nativeUnavailableReason: string | undefined = loaded.reason;
