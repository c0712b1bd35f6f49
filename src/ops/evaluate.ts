import { performance } from 'node:perf_hooks';
import { InputError, ShapeInferenceError, TsvinoError } from '../core/errors.js';
import type { Model } from '../core/model.js';
import type { Node, Output } from '../core/node.js';
import type { EvalContext } from '../core/op.js';
import type { Tensor } from '../core/tensor.js';

/** A model prepared for repeated reference evaluation: order and last uses computed once. */
export interface EvaluationPlan {
  readonly model: Model;
  readonly order: readonly Node[];
  /** For each step, the outputs whose last consumer is that step (their tensors can be dropped). */
  readonly releaseAfter: readonly Output[][];
}

export function planEvaluation(model: Model): EvaluationPlan {
  const order = model.getOrderedOps();
  const lastUse = new Map<Output, number>();
  order.forEach((n, step) => n.inputs.forEach((i) => lastUse.set(i.getSourceOutput(), step)));
  const keep = new Set(model.results.map((r) => r.inputValue(0)));
  const releaseAfter: Output[][] = order.map(() => []);
  for (const [out, step] of lastUse) if (!keep.has(out)) releaseAfter[step]!.push(out);
  return { model, order, releaseAfter };
}

/** Per-node hook a device uses to swap in its own kernel; returning undefined uses the reference. */
export type KernelOverride = (node: Node, inputs: readonly Tensor[], ctx: EvalContext) => Tensor[] | undefined;

/**
 * Receives each executed node's wall time (ms) when profiling; `byOverride` says the device's
 * kernel ran it rather than the reference one. Body models (If, Loop) are timed as their node.
 */
export interface NodeTimer {
  record(node: Node, milliseconds: number, byOverride: boolean): void;
}

/**
 * Runs a model with the reference kernels. `inputs` follow the model's parameter order; results
 * come back in result order. `variables` carries ReadValue/Assign state across calls.
 */
export function evaluateModel(
  plan: EvaluationPlan | Model, inputs: readonly Tensor[],
  variables: Map<string, Tensor> = new Map(), override?: KernelOverride, timer?: NodeTimer,
): Tensor[] {
  const p = 'order' in plan ? plan : planEvaluation(plan);
  const { model } = p;
  if (inputs.length !== model.parameters.length) {
    throw new InputError(`model "${model.getName()}" takes ${model.parameters.length} inputs, got ${inputs.length}`);
  }
  const values = new Map<Output, Tensor>();
  model.parameters.forEach((param, i) => values.set(param.output(0), inputs[i]!));
  const runBody = (body: Model, bodyInputs: Tensor[]): Tensor[] => evaluateModel(body, bodyInputs, variables, override);
  p.order.forEach((node, step) => {
    if (node.type === 'Parameter') return;
    const args = node.inputs.map((inp) => {
      const v = values.get(inp.getSourceOutput());
      if (!v) throw new InputError(`node "${node.friendlyName}" input ${inp.index} has no value (is its producer outside the model?)`);
      return v;
    });
    const ctx: EvalContext = { name: node.friendlyName, type: node.type, variables, runBody };
    const started = timer ? performance.now() : 0;
    const { outs, byOverride } = evaluateNode(node, args, ctx, override);
    if (timer) timer.record(node, performance.now() - started, byOverride);
    outs.forEach((t, i) => values.set(node.output(i), t));
    for (const dead of p.releaseAfter[step]!) values.delete(dead);
  });
  return model.results.map((r) => values.get(r.output(0))!);
}

/**
 * Runs one node: the device's kernel when it takes the node, else the reference one. Foreign
 * exceptions become a ShapeInferenceError naming the node, and the outputs are checked against
 * what inference promised. `byOverride` says the device's kernel ran it.
 */
export function evaluateNode(
  node: Node, args: readonly Tensor[], ctx: EvalContext, override?: KernelOverride,
): { outs: Tensor[]; byOverride: boolean } {
  let outs: Tensor[];
  let custom: Tensor[] | undefined;
  try {
    custom = override?.(node, args, ctx);
    outs = custom ?? node.op.evaluate(args, node.attrs, ctx);
  } catch (e) {
    if (e instanceof TsvinoError) throw e;
    throw new ShapeInferenceError(node.friendlyName, node.type, `evaluation failed: ${(e as Error).message}`);
  }
  checkOutputs(node, outs);
  return { outs, byOverride: custom !== undefined };
}

/** Guards against a kernel returning the wrong count, type or a shape its inference rules out. */
function checkOutputs(node: Node, outs: Tensor[]): void {
  if (outs.length !== node.outputs.length) {
    throw new ShapeInferenceError(node.friendlyName, node.type, `kernel returned ${outs.length} outputs, expected ${node.outputs.length}`);
  }
  outs.forEach((t, i) => {
    const o = node.outputs[i]!;
    if (t.getElementType() !== o.elementType) {
      throw new ShapeInferenceError(node.friendlyName, node.type, `output ${i} is ${t.getElementType()}, inference said ${o.elementType}`);
    }
    if (!o.partialShape.accepts(t.getShape())) {
      throw new ShapeInferenceError(node.friendlyName, node.type, `output ${i} has shape [${t.getShape()}], inference said ${o.partialShape.toString()}`);
    }
  });
}
