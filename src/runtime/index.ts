export { Core } from './core.js';
export { CompiledModel } from './compiled-model.js';
export { InferRequest, type InferInputs, type InferResult } from './infer-request.js';
export { saveModel, saveModelSync } from './save.js';
export { convertModel, type ConvertOptions } from './convert-model.js';
export { AsyncInferQueue, type AsyncInferQueueCallback } from './async-infer-queue.js';
