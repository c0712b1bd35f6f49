import type { Input, Node, Output } from '../core/node.js';
import { tensorFromNumbers } from '../core/tensor.js';
import { constant } from '../ops/constant.js';
import { fakeQuantize } from '../ops/fake-quantize.js';
import type { FakeQuantizeParams } from './ranges.js';

/** One input of a layer rewired through a FakeQuantize; keeps both sources so it can be reverted. */
export interface QuantizedInput {
  input: Input;
  original: Output;
  quantized: Output;
}

/** A FakeQuantize-1 on `x` with range constants of x's element type. */
export function fakeQuantizeOn(x: Output, p: FakeQuantizeParams, name: string): Node {
  const range = (values: Float64Array, what: string): Node => {
    const c = constant(tensorFromNumbers(x.elementType, p.shape, values));
    c.setFriendlyName(`${name}/${what}`);
    return c;
  };
  return fakeQuantize(x, range(p.inputLow, 'input_low'), range(p.inputHigh, 'input_high'),
    range(p.outputLow, 'output_low'), range(p.outputHigh, 'output_high'), p.levels, 'numpy', name);
}

/** Routes `inputs` (all fed by `source`) through one shared FakeQuantize. */
export function quantizeInputs(source: Output, inputs: readonly Input[], p: FakeQuantizeParams, name: string): QuantizedInput[] {
  const fq = fakeQuantizeOn(source, p, name).output(0);
  return inputs.map((input) => {
    input.setSource(fq);
    return { input, original: source, quantized: fq };
  });
}

export const revertInput = (q: QuantizedInput): void => q.input.setSource(q.original);
export const reapplyInput = (q: QuantizedInput): void => q.input.setSource(q.quantized);
