// The common compile-time pipeline every plugin runs before lowering: constant folding, shape-op
// cleanup, pattern fusions and dead code elimination, repeated until nothing changes.
import type { Model } from '../core/model.js';
import { currentEdgeEpoch } from '../core/node.js';
import { foldConstants, type ConstantFoldingOptions } from './constant-folding.js';
import { eliminateDeadCode } from './dead-code-elimination.js';
import { fuseAttention } from './attention-fusion.js';
import { fuseBatchNorm } from './batch-norm-fusion.js';
import { fuseClamp } from './clamp-fusion.js';
import { fuseGelu } from './gelu-fusion.js';
import { fuseHSwish } from './hswish-fusion.js';
import { fuseLayerNorm } from './layer-norm-fusion.js';
import { fuseSoftmax } from './softmax-fusion.js';
import { fuseSwish } from './swish-fusion.js';
import { fuseQuantizeDequantize } from './qdq-fusion.js';
import { eliminateTransposes } from './transpose-elimination.js';

/** Rewrites per pass, summed over the pipeline's rounds. */
export interface TransformationStats {
  deadCode: number;
  constantFolding: number;
  transposeElimination: number;
  batchNormFusion: number;
  geluFusion: number;
  layerNormFusion: number;
  softmaxFusion: number;
  swishFusion: number;
  hSwishFusion: number;
  hSigmoidFusion: number;
  clampFusion: number;
  attentionFusion: number;
  /** ONNX QuantizeLinear → DequantizeLinear pairs (and their layers' int8 weights) as FakeQuantize. */
  qdqFusion: number;
  /** Rounds run until a fixed point (or the round limit). */
  rounds: number;
}

export type PassName = Exclude<keyof TransformationStats, 'rounds' | 'hSigmoidFusion'>;

export interface TransformationOptions extends ConstantFoldingOptions {
  /** Passes to skip (dead code elimination always runs; hSwishFusion covers HSigmoid too). */
  disable?: readonly PassName[];
  /** Most rounds before stopping short of a fixed point; 10 by default. */
  maxRounds?: number;
}

const emptyStats = (): TransformationStats => ({
  deadCode: 0, constantFolding: 0, transposeElimination: 0, batchNormFusion: 0, geluFusion: 0, layerNormFusion: 0,
  softmaxFusion: 0, swishFusion: 0, hSwishFusion: 0, hSigmoidFusion: 0, clampFusion: 0, attentionFusion: 0, qdqFusion: 0, rounds: 0,
});

/**
 * Passes whose own rewrites never enable another of theirs, so a rerun right after a run finds
 * nothing. Constant folding visits producers first and turns each foldable node into a Constant
 * before its consumers are visited, so a whole constant chain folds in one run.
 */
const SETTLES_IN_ONE_RUN: ReadonlySet<PassName> = new Set<PassName>(['constantFolding']);

/**
 * Runs the common transformations on `model` in place until a round changes nothing, and returns
 * how many rewrites each pass made. Order per round: fold constants (ShapeOf chains included),
 * drop redundant transposes and reshapes, fold BatchNorm into convolutions, fuse activations
 * (HSwish before Clamp, since ReLU6 spelled Minimum/Maximum is part of HSwish), normalizations
 * and softmax, then attention (which needs the fused Softmax).
 */
export function commonTransformations(model: Model, options: TransformationOptions = {}): TransformationStats {
  const stats = emptyStats();
  const off = new Set(options.disable ?? []);
  // The edge epoch at which each pass last ran without touching the graph. A pass is a function of
  // the graph, so while the epoch stays there a rerun would find nothing again: the fixed point's
  // last round then reruns only the passes that ran before the last change.
  const idleAt = new Map<PassName, number>();
  const run = (name: PassName, pass: () => number): number => {
    if (off.has(name)) return 0;
    const before = currentEdgeEpoch();
    if (idleAt.get(name) === before) return 0;
    const n = pass();
    if (currentEdgeEpoch() === before || SETTLES_IN_ONE_RUN.has(name)) idleAt.set(name, currentEdgeEpoch());
    stats[name] += n;
    return n;
  };
  const quiet = { validate: false };
  stats.deadCode += eliminateDeadCode(model);
  const maxRounds = options.maxRounds ?? 10;
  while (stats.rounds < maxRounds) {
    stats.rounds++;
    let changed = 0;
    changed += run('constantFolding', () => foldConstants(model, { ...options, validate: false }));
    changed += run('qdqFusion', () => fuseQuantizeDequantize(model, quiet));
    changed += run('transposeElimination', () => eliminateTransposes(model, quiet));
    changed += run('batchNormFusion', () => fuseBatchNorm(model, quiet));
    changed += run('geluFusion', () => fuseGelu(model, quiet));
    changed += run('layerNormFusion', () => fuseLayerNorm(model, quiet));
    changed += run('swishFusion', () => fuseSwish(model, quiet));
    let hSigmoids = 0;
    changed += run('hSwishFusion', () => {
      const r = fuseHSwish(model, quiet);
      hSigmoids = r.hSigmoid;
      return r.hSwish;
    });
    stats.hSigmoidFusion += hSigmoids;
    changed += hSigmoids;
    changed += run('clampFusion', () => fuseClamp(model, quiet));
    changed += run('softmaxFusion', () => fuseSoftmax(model, quiet));
    changed += run('attentionFusion', () => fuseAttention(model, quiet));
    stats.deadCode += eliminateDeadCode(model);
    if (changed === 0) break;
  }
  model.validate();
  return stats;
}
