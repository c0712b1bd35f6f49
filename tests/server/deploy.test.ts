import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { packageRoot } from '../../src/server/package-info.js';
import { parseConfig } from '../../src/server/repository.js';

const deployDir = join(packageRoot, 'deploy');

type Doc = Record<string, any>;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []);
}

function loadAll(): Map<string, Doc> {
  const byKind = new Map<string, Doc>();
  for (const file of yamlFiles(deployDir)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      assert.deepEqual(doc.errors.map((e) => e.message), [], file);
      const value: unknown = doc.toJS();
      assert.ok(value && typeof value === 'object' && !Array.isArray(value), `${file}: a YAML mapping`);
      const kind = Object.entries(value).find(([k]) => k === 'kind')?.[1];
      assert.equal(typeof kind, 'string', `${file}: has a kind`);
      assert.ok(!byKind.has(String(kind)), `${file}: one ${String(kind)}`);
      byKind.set(String(kind), Object.fromEntries(Object.entries(value)));
    }
  }
  return byKind;
}

describe('deploy/ manifests', () => {
  const docs = loadAll();
  const get = (kind: string): Doc => {
    const d = docs.get(kind);
    assert.ok(d, `deploy/ has a ${kind}`);
    return d;
  };

  it('are valid YAML with the expected kinds and API versions', () => {
    const expected: Record<string, string> = {
      ConfigMap: 'v1', Deployment: 'apps/v1', Service: 'v1', HorizontalPodAutoscaler: 'autoscaling/v2',
      ServingRuntime: 'serving.kserve.io/v1alpha1', InferenceService: 'serving.kserve.io/v1beta1',
      Kustomization: 'kustomize.config.k8s.io/v1beta1',
    };
    assert.deepEqual([...docs.keys()].sort(), Object.keys(expected).sort());
    for (const [kind, apiVersion] of Object.entries(expected)) assert.equal(get(kind)['apiVersion'], apiVersion, kind);
  });

  it('wire the Deployment, Service, HPA and ConfigMap together', () => {
    const deployment = get('Deployment');
    const pod = deployment['spec']['template'];
    const container = pod['spec']['containers'][0];
    const portNames = container['ports'].map((p: Doc) => p['name']);
    for (const [k, v] of Object.entries(get('Service')['spec']['selector'])) assert.equal(pod['metadata']['labels'][k], v);
    for (const p of get('Service')['spec']['ports']) assert.ok(portNames.includes(p['targetPort']), `Service port ${p['name']}`);
    assert.equal(container['readinessProbe']['httpGet']['path'], '/v2/health/ready');
    assert.equal(container['livenessProbe']['httpGet']['path'], '/v2/health/live');
    const hpa = get('HorizontalPodAutoscaler')['spec']['scaleTargetRef'];
    assert.deepEqual([hpa['kind'], hpa['name']], ['Deployment', deployment['metadata']['name']]);
    const configVolume = pod['spec']['volumes'].find((v: Doc) => v['configMap']);
    assert.equal(configVolume['configMap']['name'], get('ConfigMap')['metadata']['name']);
    const mount = container['volumeMounts'].find((m: Doc) => m['name'] === configVolume['name']);
    assert.equal(container['args'][container['args'].indexOf('--config') + 1], `${mount['mountPath']}/config.json`);
    // The shipped config.json is one the server accepts.
    const [model] = parseConfig(get('ConfigMap')['data']['config.json'], '/');
    assert.equal(model!.name, 'resnet50');
    const drain = Number(container['args'][container['args'].indexOf('--drain-timeout') + 1]);
    assert.ok(pod['spec']['terminationGracePeriodSeconds'] > drain, 'the grace period outlasts the drain');
    const files = readdirSync(join(deployDir, 'kubernetes'));
    for (const r of get('Kustomization')['resources']) assert.ok(files.includes(r), r);
  });

  it('give KServe a runtime the InferenceService selects', () => {
    const runtime = get('ServingRuntime');
    const isvc = get('InferenceService')['spec']['predictor']['model'];
    assert.equal(isvc['runtime'], runtime['metadata']['name']);
    assert.ok(runtime['spec']['supportedModelFormats'].some((f: Doc) => f['name'] === isvc['modelFormat']['name']));
    assert.ok(runtime['spec']['protocolVersions'].includes(isvc['protocolVersion']));
    const args: string[] = runtime['spec']['containers'][0]['args'];
    assert.ok(args.includes('--model-path=/mnt/models'));
    const rest = args.find((a) => a.startsWith('--rest-port='))?.split('=')[1];
    assert.equal(String(runtime['spec']['containers'][0]['ports'][0]['containerPort']), rest);
  });

  it('have a Dockerfile that runs `tsvino serve` and ships the gRPC definition', () => {
    const dockerfile = readFileSync(join(deployDir, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /^ENTRYPOINT \["node", "dist\/src\/tools\/cli\.js", "serve"\]$/m);
    assert.match(dockerfile, /^COPY --from=build \/app\/src\/server\/proto \.\/src\/server\/proto$/m);
    assert.match(dockerfile, /^EXPOSE 8000 9000$/m);
  });
});
