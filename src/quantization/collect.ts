import { Presets, SingleBar } from 'cli-progress';
import { Model, cloneNode } from '../core/model.js';
import type { Node, Output } from '../core/node.js';
import type { Tensor } from '../core/tensor.js';
import { result } from '../ops/result.js';
import { Core } from '../runtime/core.js';
import type { CalibrationSubset, CalibrationSample } from './dataset.js';

/** One tensor to observe during calibration and what to do with each sample's value. */
export interface Tap {
  output: Output;
  observe(value: Tensor): void;
}

export interface RunOptions {
  /** The tsvino device that runs the calibration passes. */
  device: string;
  /** Shown beside the progress bar. */
  label: string;
}

/**
 * Runs `model` on every sample of `subset` with each tap's tensor added as an extra output, on a
 * device through the public runtime API, and hands each tap its values. A progress bar is drawn
 * on stderr when it is a terminal.
 */
export async function runWithTaps(model: Model, taps: readonly Tap[], subset: CalibrationSubset<CalibrationSample>, options: RunOptions): Promise<void> {
  const unique = [...new Set(taps.map((t) => t.output))];
  const tapped = withExtraOutputs(model, unique);
  const compiled = await new Core().compileModel(tapped, options.device);
  const first = model.results.length;
  const byOutput = new Map<Output, Tap[]>();
  for (const t of taps) byOutput.set(t.output, [...(byOutput.get(t.output) ?? []), t]);
  const bar = progressBar(options.label, subset.knownSize ?? subset.subsetSize);
  try {
    let done = 0;
    for await (const sample of subset.samples()) {
      // A fresh request per sample: stateful models start each sample from their initial state.
      const request = compiled.createInferRequest();
      await request.inferAsync(sample);
      unique.forEach((o, i) => {
        const value = request.getOutputTensor(first + i);
        for (const t of byOutput.get(o)!) t.observe(value);
      });
      bar?.update(++done);
    }
  } finally {
    bar?.stop();
  }
}

/** A copy of `model` that also returns `outputs` (outputs of the original), after its own results. */
export function withExtraOutputs(model: Model, outputs: readonly Output[]): Model {
  const map = new Map<Node, Node>();
  for (const n of model.getOrderedOps()) map.set(n, cloneNode(n, map));
  const extra = outputs.map((o, i) => result(map.get(o.node)!.output(o.index), `statistics_tap_${i}`));
  return new Model(
    [...model.results.map((r) => map.get(r)!), ...extra],
    model.parameters.map((p) => map.get(p)!),
    model.getName(),
    { sinks: model.sinks.map((s) => map.get(s)!), variables: model.variables.map((v) => ({ ...v })) },
  );
}

function progressBar(label: string, total: number): SingleBar | undefined {
  if (!process.stderr.isTTY) return undefined;
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} samples`, hideCursor: true, stream: process.stderr }, Presets.shades_classic);
  bar.start(total, 0);
  return bar;
}
