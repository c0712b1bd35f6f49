import type { Model } from '../../core/model.js';
import { evaluateModel, planEvaluation } from '../../ops/evaluate.js';
import { PRETRANSFORMED_KEY, type Executable, type Plugin, type Properties } from '../plugin.js';
import { supportedNodes, VERSION } from '../common.js';
import { requestProfiles } from '../profiling.js';

/**
 * TEMPLATE: every op through its plain reference kernel, no graph changes. The oracle the
 * other devices are tested against.
 */
export const templatePlugin: Plugin = {
  name: 'TEMPLATE',
  fullName: 'tsvino reference device (plain TypeScript kernels)',
  defaults: { ENABLE_PROFILING: false, INFERENCE_PRECISION_HINT: 'f32', PERFORMANCE_HINT: 'LATENCY', NUM_STREAMS: 1 },
  readOnly: ['FULL_DEVICE_NAME', 'SUPPORTED_PROPERTIES', 'OPTIMAL_NUMBER_OF_INFER_REQUESTS'],
  compile(source: Model, config: Properties): Executable {
    // TEMPLATE transforms nothing, so a pre-transformed model compiles the same way.
    const { [PRETRANSFORMED_KEY]: _pretransformed, ...userConfig } = config;
    const model = source.clone();
    const plan = planEvaluation(model);
    const properties: Properties = { ...this.defaults, ...userConfig, OPTIMAL_NUMBER_OF_INFER_REQUESTS: 1 };
    if (properties['ENABLE_PROFILING'] !== true) {
      return { model, properties, run: (inputs, state) => evaluateModel(plan, inputs, state.variables) };
    }
    const profiles = requestProfiles(plan.order, () => 'reference');
    return {
      model,
      properties,
      run: (inputs, state) => evaluateModel(plan, inputs, state.variables, undefined, profiles.timerFor(state)),
      profilingInfo: profiles.info,
    };
  },
  queryModel: (model) => supportedNodes(model, 'TEMPLATE'),
  version: () => ({ buildNumber: VERSION, description: 'TEMPLATE reference plugin' }),
};
