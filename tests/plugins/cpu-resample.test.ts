import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Core, Model, Tensor, opset } from '../../src/index.js';
import { native } from '../../src/plugins/cpu/native.js';
import { assertTensor, randomArray } from '../util/assert.js';

// Interpolate on CPU: modes whose source coordinates equal oneDNN resampling's run natively, the
// rest in JavaScript; both must match TEMPLATE.
const core = new Core();

type Case = [mode: 'nearest' | 'linear' | 'linear_onnx', transform: 'half_pixel' | 'pytorch_half_pixel' | 'asymmetric' | 'align_corners',
  nearest: 'floor' | 'round_prefer_floor', x: number[], y: number[], native: boolean];
const CASES: Case[] = [
  ['linear_onnx', 'half_pixel', 'round_prefer_floor', [1, 3, 5, 7], [1, 3, 10, 14], true],
  ['linear_onnx', 'pytorch_half_pixel', 'round_prefer_floor', [1, 3, 8, 8], [1, 3, 5, 3], true],
  ['linear', 'half_pixel', 'round_prefer_floor', [1, 4, 6, 6], [1, 4, 12, 9], true],
  ['linear_onnx', 'half_pixel', 'round_prefer_floor', [2, 3, 4, 5, 6], [2, 3, 8, 5, 9], true],
  ['nearest', 'asymmetric', 'floor', [1, 3, 5, 7], [1, 3, 10, 21], true],
  ['nearest', 'half_pixel', 'round_prefer_floor', [1, 3, 5, 7], [1, 3, 10, 14], true],
  // Coordinates oneDNN does not share: JavaScript.
  ['linear_onnx', 'align_corners', 'round_prefer_floor', [1, 3, 5, 7], [1, 3, 10, 14], false],
  ['nearest', 'asymmetric', 'floor', [1, 3, 6, 6], [1, 3, 4, 9], false],
];

for (const [mode, transform, nearest, xs, ys, expectNative] of CASES) {
  test(`CPU Interpolate ${mode}/${transform}/${nearest} [${xs}] → [${ys}] matches TEMPLATE${expectNative ? ' natively' : ' in JavaScript'}`, async () => {
    const x = opset.parameter('f32', xs, 'x');
    const spatial = xs.map((_, i) => i).slice(2);
    const y = opset.interpolate(x, opset.constant('i64', [spatial.length], ys.slice(2)),
      { mode, shapeCalculationMode: 'sizes', coordinateTransformationMode: transform, nearestMode: nearest },
      opset.constant('i64', [spatial.length], spatial), 'interp');
    const model = new Model([opset.relu(y)], [x], 'resize');
    const input = new Tensor('f32', xs, randomArray(xs.reduce((a, b) => a * b, 1), 5));
    const want = core.compileModelSync(model, 'TEMPLATE').createInferRequest().infer([input]);
    const request = (await core.compileModel(model, 'CPU', { ENABLE_PROFILING: true })).createInferRequest();
    const got = request.infer([input]);
    assertTensor(Object.values(got)[0]!, Object.values(want)[0]!, { rtol: 1e-5, atol: 1e-5 });
    if (native) {
      const exec = request.getProfilingInfo().find((p) => p.nodeName === 'interp')!.execType;
      assert.equal(exec.startsWith('onednn_resampling'), expectNative, exec);
    }
  });
}
