import { InputError } from '../core/errors.js';
import type { Output } from '../core/node.js';
import { Tensor, type TypedArray } from '../core/tensor.js';
import type { ProfilingInfo, RequestState } from '../plugins/plugin.js';
import type { CompiledModel } from './compiled-model.js';

export type InferInput = Tensor | TypedArray;
export type InferInputs = Record<string, InferInput> | InferInput[];
export type InferResult = Record<string, Tensor>;

/** The name a result is returned under: its first tensor name, else its producer's friendly name. */
export const outputKey = (o: Output): string => o.names[0] ?? o.node.friendlyName;

/**
 * One set of input and output tensors bound to a compiled model (openvino-node's InferRequest).
 * Not reentrant: one inference at a time; make more requests for parallelism.
 */
export class InferRequest {
  private readonly inputTensors: Array<Tensor | undefined>;
  private outputTensors: Array<Tensor | undefined>;
  private readonly state: RequestState = { variables: new Map() };
  private busy = false;

  constructor(private readonly compiled: CompiledModel) {
    this.inputTensors = compiled.inputs.map(() => undefined);
    this.outputTensors = compiled.outputs.map(() => undefined);
  }

  getCompiledModel(): CompiledModel { return this.compiled; }

  /** Runs synchronously; `inputs` by name or by index are set first. Returns outputs by name. */
  infer(inputs?: InferInputs): InferResult {
    this.enter();
    try {
      return this.run(inputs);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Resolves with the outputs. Devices with an off-thread path (CPU's native plan) compute outside
   * the JS thread; others run after yielding to the event loop.
   */
  inferAsync(inputs?: InferInputs): Promise<InferResult> {
    try {
      this.enter();
    } catch (e) {
      return Promise.reject(e);
    }
    const exe = this.compiled.executable;
    if (exe.runAsync) {
      let ready: Tensor[];
      try {
        ready = this.prepare(inputs);
      } catch (e) {
        this.busy = false;
        return Promise.reject(e);
      }
      return exe.runAsync(ready, this.state).then((outs) => this.finish(outs)).finally(() => { this.busy = false; });
    }
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        try { resolve(this.run(inputs)); } catch (e) { reject(e); } finally { this.busy = false; }
      });
    });
  }

  private enter(): void {
    if (this.busy) throw new InputError('this infer request is already running; wait for it or create another request');
    this.busy = true;
  }

  private run(inputs?: InferInputs): InferResult {
    return this.finish(this.compiled.executable.run(this.prepare(inputs), this.state));
  }

  private prepare(inputs?: InferInputs): Tensor[] {
    if (inputs !== undefined) this.setInputs(inputs);
    return this.inputTensors.map((t, i) => {
      if (!t) throw new InputError(`input "${outputKey(this.compiled.inputs[i]!)}" (index ${i}) is not set`);
      return t;
    });
  }

  private finish(outs: Tensor[]): InferResult {
    this.outputTensors = outs;
    const result: InferResult = {};
    this.compiled.outputs.forEach((o, i) => { result[outputKey(o)] = outs[i]!; });
    return result;
  }

  private setInputs(inputs: InferInputs): void {
    if (Array.isArray(inputs)) {
      if (inputs.length !== this.compiled.inputs.length) {
        throw new InputError(`model has ${this.compiled.inputs.length} inputs, ${inputs.length} were given`);
      }
      inputs.forEach((t, i) => this.setInputTensor(i, t));
    } else {
      if (inputs === null || typeof inputs !== 'object') throw new InputError('infer inputs must be an object keyed by input name or an array');
      for (const [name, t] of Object.entries(inputs)) this.setInputTensor(this.compiled.inputIndex(name), t);
    }
  }

  /** `setInputTensor(tensor)` for single-input models, or `setInputTensor(index, tensor)`. */
  setInputTensor(indexOrTensor: number | InferInput, tensor?: InferInput): void {
    const [index, t] = typeof indexOrTensor === 'number' ? [indexOrTensor, tensor] : [this.compiled.inputIndex(undefined), indexOrTensor];
    if (t === undefined) throw new InputError('setInputTensor needs a tensor');
    const port = this.compiled.inputs[index];
    if (!port) throw new InputError(`model has no input at index ${index}; it has ${this.compiled.inputs.length}`);
    this.inputTensors[index] = checkedTensor(port, t);
  }

  getInputTensor(index?: number): Tensor {
    const i = index ?? this.compiled.inputIndex(undefined);
    const t = this.inputTensors[i];
    if (!t) throw new InputError(`input ${i} has no tensor set`);
    return t;
  }

  getOutputTensor(index?: number): Tensor {
    const i = index ?? this.compiled.outputIndex(undefined);
    if (i < 0 || i >= this.outputTensors.length) throw new InputError(`model has no output at index ${i}`);
    const t = this.outputTensors[i];
    if (!t) throw new InputError(`output ${i} has no tensor yet: run infer first`);
    return t;
  }

  /**
   * Per-node figures of this request's last run (name, type, kernel, times in µs, status), for a
   * model compiled with ENABLE_PROFILING.
   */
  getProfilingInfo(): ProfilingInfo[] {
    const exe = this.compiled.executable;
    if (exe.properties['ENABLE_PROFILING'] !== true) {
      throw new InputError('profiling is off for this compiled model; compile it with { ENABLE_PROFILING: true }');
    }
    if (!exe.profilingInfo) throw new InputError(`device ${this.compiled.plugin.name} does not report profiling information`);
    return exe.profilingInfo(this.state);
  }

  /** Sets an input by tensor name or port. */
  setTensor(nameOrPort: string | Output, tensor: InferInput): void {
    this.setInputTensor(this.compiled.inputIndex(nameOrPort), tensor);
  }

  /** The tensor of an input or output, by tensor name or port. */
  getTensor(nameOrPort: string | Output): Tensor {
    const inIdx = this.compiled.findInput(nameOrPort);
    if (inIdx >= 0) return this.getInputTensor(inIdx);
    return this.getOutputTensor(this.compiled.outputIndex(nameOrPort));
  }
}

/** Wraps a typed array as the port's type and static shape; checks a Tensor's type and shape. */
function checkedTensor(port: Output, value: InferInput): Tensor {
  const name = outputKey(port);
  let t: Tensor;
  if (value instanceof Tensor) {
    t = value;
  } else if (ArrayBuffer.isView(value)) {
    if (port.partialShape.isDynamic()) {
      throw new InputError(`input "${name}" has dynamic shape ${port.partialShape.toString()}; pass a Tensor with an explicit shape instead of a bare ${value.constructor.name}`);
    }
    t = new Tensor(port.elementType, port.partialShape.toShape(), value);
  } else {
    throw new InputError(`input "${name}" must be a Tensor or a typed array, got ${value === null ? 'null' : typeof value}`);
  }
  if (t.getElementType() !== port.elementType) {
    throw new InputError(`input "${name}" expects element type ${port.elementType}, got ${t.getElementType()}`);
  }
  if (!port.partialShape.accepts(t.getShape())) {
    throw new InputError(`input "${name}" expects shape ${port.partialShape.toString()}, got [${t.getShape().join(',')}]`);
  }
  return t;
}
