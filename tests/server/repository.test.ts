import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Model, opset } from '../../src/index.js';
import { parseOvmsShape } from '../../src/server/model-prep.js';
import { ConfigError, findModelFile, listVersions, parseConfig, selectVersions } from '../../src/server/repository.js';
import type { RunningServer } from '../../src/server/server.js';
import { http, modelConfig, postJson, saveVersion, startTestServer, tempDir } from './helpers.js';

describe('model repository config', () => {
  it('reads an OVMS config.json', () => {
    const [a, b] = parseConfig(JSON.stringify({
      model_config_list: [
        { config: { name: 'resnet', base_path: 'models/resnet', model_version_policy: { latest: { num_versions: 2 } }, target_device: 'CPU', nireq: 4, shape: '(1,3,224,224)', layout: 'NHWC:NCHW', plugin_config: { NUM_STREAMS: '2' } } },
        { config: { name: 'bert', base_path: '/abs/bert', model_version_policy: { specific: { versions: [1, 3] } } } },
      ],
    }), '/srv');
    assert.deepEqual(a, {
      name: 'resnet', basePath: '/srv/models/resnet', versionPolicy: { kind: 'latest', count: 2 }, targetDevice: 'CPU', nireq: 4,
      pluginConfig: { NUM_STREAMS: '2' }, shape: '(1,3,224,224)', layout: 'NHWC:NCHW',
    });
    assert.deepEqual(b, { name: 'bert', basePath: '/abs/bert', versionPolicy: { kind: 'specific', versions: [1, 3] }, targetDevice: 'CPU', nireq: 0, pluginConfig: {} });
    assert.deepEqual(parseConfig('{"model_config_list":[{"config":{"name":"m","base_path":"m","model_version_policy":{"all":{}}}}]}', '/r')[0]!.versionPolicy, { kind: 'all' });
    assert.deepEqual(parseConfig('{"model_config_list":[{"config":{"name":"m","base_path":"m","dynamic_batching":{"max_batch_size":8}}}]}', '/r')[0]!.dynamicBatching, { maxBatchSize: 8, maxQueueDelayUs: 500 });
  });

  it('refuses bad configs with the entry and field named', () => {
    const cases: Array<[string, RegExp]> = [
      ['{', /not valid JSON/],
      ['{}', /model_config_list/],
      ['{"model_config_list":[{"config":{"base_path":"x"}}]}', /model_config_list\[0\].*name/],
      ['{"model_config_list":[{"config":{"name":"m"}}]}', /\(m\).*base_path/],
      ['{"model_config_list":[{"config":{"name":"m","base_path":"x","nireq":-1}}]}', /nireq/],
      ['{"model_config_list":[{"config":{"name":"m","base_path":"x","model_version_policy":{"newest":{}}}}]}', /model_version_policy/],
      ['{"model_config_list":[{"config":{"name":"m","base_path":"x","model_version_policy":{"specific":{"versions":[]}}}}]}', /specific.versions/],
      ['{"model_config_list":[{"config":{"name":"m","base_path":"x"}},{"config":{"name":"m","base_path":"y"}}]}', /appears twice/],
      ['{"model_config_list":[{"config":{"name":"m","base_path":"x","dynamic_batching":{"max_batch_size":1}}}]}', /max_batch_size/],
    ];
    for (const [text, pattern] of cases) assert.throws(() => parseConfig(text, '/'), (e: unknown) => e instanceof ConfigError && pattern.test(e.message), text);
  });

  it('selects versions by policy', () => {
    assert.deepEqual(selectVersions({ kind: 'latest', count: 1 }, [1, 3, 2]), [3]);
    assert.deepEqual(selectVersions({ kind: 'latest', count: 2 }, [1, 3, 2]), [3, 2]);
    assert.deepEqual(selectVersions({ kind: 'all' }, [1, 3, 2]), [3, 2, 1]);
    assert.deepEqual(selectVersions({ kind: 'specific', versions: [1, 5] }, [1, 3, 2]), [1]);
  });

  it('finds version directories and their model files', () => {
    const dir = tempDir();
    for (const d of ['1', '2', '10', 'latest', '0', '.staging']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'README'), '');
    assert.deepEqual(listVersions(dir).sort((a, b) => a - b), [1, 2, 10]);
    assert.deepEqual(listVersions(join(dir, 'missing')), []);
    writeFileSync(join(dir, '1', 'net.onnx'), '');
    assert.equal(findModelFile(join(dir, '1')), join(dir, '1', 'net.onnx'));
    writeFileSync(join(dir, '1', 'model.xml'), '');
    assert.equal(findModelFile(join(dir, '1')), join(dir, '1', 'model.xml'));
    assert.throws(() => findModelFile(join(dir, '2')), /no model.xml or model.onnx/);
    writeFileSync(join(dir, '10', 'a.xml'), '');
    writeFileSync(join(dir, '10', 'b.onnx'), '');
    assert.throws(() => findModelFile(join(dir, '10')), /several model files/);
  });

  it('reads OVMS shape syntax', () => {
    assert.equal(parseOvmsShape('(1,3,224,224)', 'm'), '[1,3,224,224]');
    assert.equal(parseOvmsShape('[1, -1, 2:8]', 'm'), '[1,?,2..8]');
    assert.throws(() => parseOvmsShape('auto', 'm'), /not supported/);
    assert.throws(() => parseOvmsShape('(1,x)', 'm'), /bad dimension "x"/);
  });
});

describe('shape and layout from the config', () => {
  let server: RunningServer;
  let base: string;
  before(async () => {
    const repo = tempDir();
    // NCHW [1,3,1,2] -> the same values, so the reply shows the order the model saw.
    const img = opset.parameter('f32', [1, 3, 1, 2], 'img');
    const same = opset.multiply(img, opset.constant('f32', [1], [1]));
    same.output(0).setNames(['out']);
    saveVersion(join(repo, 'nchw'), 1, new Model([same], [img], 'nchw'));
    const x = opset.parameter('f32', ['?', 4], 'x');
    const y = opset.relu(x);
    y.output(0).setNames(['y']);
    saveVersion(join(repo, 'dyn'), 1, new Model([y], [x], 'dyn'));
    server = await startTestServer({
      models: [
        modelConfig('nchw', join(repo, 'nchw'), { layout: 'NHWC:NCHW' }),
        modelConfig('dyn', join(repo, 'dyn')),
        modelConfig('fixed', join(repo, 'dyn'), { shape: '(3,4)' }),
      ],
      grpcPort: -1,
    });
    base = `http://127.0.0.1:${server.restPort}`;
  });
  after(() => server.close());

  it('takes NHWC tensors for an NCHW model with layout "NHWC:NCHW"', async () => {
    const meta = await http(base, '/v2/models/nchw');
    assert.deepEqual(meta.json['inputs'], [{ name: 'img', datatype: 'FP32', shape: [1, 1, 2, 3] }]);
    // NHWC pixels (r,g,b) = (1,2,3) and (4,5,6) -> NCHW planes r:[1,4] g:[2,5] b:[3,6].
    const r = await postJson(base, '/v2/models/nchw/infer', { inputs: [{ name: 'img', datatype: 'FP32', shape: [1, 1, 2, 3], data: [1, 2, 3, 4, 5, 6] }] });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.deepEqual(r.json['outputs'], [{ name: 'out', datatype: 'FP32', shape: [1, 3, 1, 2], data: [1, 4, 2, 5, 3, 6] }]);
  });

  it('serves dynamic dimensions as -1 and fixes them with "shape"', async () => {
    assert.deepEqual((await http(base, '/v2/models/dyn')).json['inputs'], [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }]);
    const two = await postJson(base, '/v2/models/dyn/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 4], data: [-1, 1, -2, 2, 3, -3, 4, -4] }] });
    assert.deepEqual((two.json['outputs'] as Array<{ data: number[] }>)[0]!.data, [0, 1, 0, 2, 3, 0, 4, 0]);
    assert.deepEqual((await http(base, '/v2/models/fixed')).json['inputs'], [{ name: 'x', datatype: 'FP32', shape: [3, 4] }]);
    const wrong = await postJson(base, '/v2/models/fixed/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 4], data: new Array(8).fill(0) }] });
    assert.equal(wrong.status, 400);
    assert.match(String(wrong.json['error']), /input "x": expects shape \[3,4\]/);
  });
});
