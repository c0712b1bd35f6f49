// The public API: openvino-node's names (Core, Tensor, Model, PartialShape, saveModelSync...) plus
// the graph-building opset and the typed errors.
import { Core } from './runtime/core.js';
import { saveModel, saveModelSync } from './runtime/save.js';
import { Tensor } from './core/tensor.js';
import { PartialShape } from './core/partial-shape.js';
import { Dimension } from './core/dimension.js';
import { Layout } from './core/layout.js';
import { Model } from './core/model.js';
import { AsyncInferQueue } from './runtime/async-infer-queue.js';

export { Core, Tensor, PartialShape, Dimension, Layout, Model, saveModel, saveModelSync };
export { CompiledModel, InferRequest, convertModel, type ConvertOptions, type InferInputs, type InferResult } from './runtime/index.js';
export { AsyncInferQueue };
export type { AsyncInferQueueCallback } from './runtime/index.js';
export { Node, Output, Input } from './core/node.js';
export type { ElementType } from './core/element-type.js';
export { ELEMENT_TYPES } from './core/element-type.js';
export { TsvinoError, ModelFormatError, UnsupportedOperationError, ShapeInferenceError, InputError } from './core/errors.js';
export type { UnsupportedItem } from './core/errors.js';
export { opset, resolveOp, knownOpTypes } from './ops/index.js';
export type { Plugin, Executable, Properties, ProfilingInfo } from './plugins/plugin.js';
export { registerPlugin } from './plugins/registry.js';
export * from './quantization/index.js';

/** openvino-node code reads `const { addon: ov } = require('openvino-node')`; the same shape works here. */
export const addon = { Core, Tensor, PartialShape, AsyncInferQueue, saveModel, saveModelSync };
