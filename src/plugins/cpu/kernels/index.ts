import type { KernelOverride } from '../../../ops/evaluate.js';
import type { NativeAddon } from '../native.js';
import { convolutionKernel, groupConvolutionKernel } from './convolution.js';
import { gatherRowsKernel } from './gather.js';
import { matMulKernel } from './mat-mul.js';
import { nativeBinaryKernels } from './native-binary.js';
import { nativeConvolution } from './native-convolution.js';
import { nativeEltwiseKernels } from './native-eltwise.js';
import { nativeMatMul } from './native-mat-mul.js';
import { nativeAvgPool, nativeMaxPool } from './native-pooling.js';
import { nativeSoftmax } from './native-softmax.js';

/** TypeScript kernels faster than the reference ones, by op type; each declines what it does not cover. */
export const typescriptKernels: ReadonlyMap<string, KernelOverride> = new Map([
  ['Convolution', convolutionKernel],
  ['GroupConvolution', groupConvolutionKernel],
  ['MatMul', matMulKernel],
  ['Gather', gatherRowsKernel],
]);

/** The oneDNN kernels by op type (f32, plain layouts at the boundary); empty without the addon. */
export function nativeKernels(addon: NativeAddon | undefined): ReadonlyMap<string, KernelOverride> {
  if (!addon) return new Map();
  const conv = nativeConvolution(addon);
  return new Map<string, KernelOverride>([
    ['Convolution', conv],
    ['GroupConvolution', conv],
    ['MatMul', nativeMatMul(addon)],
    ['MaxPool', nativeMaxPool(addon)],
    ['AvgPool', nativeAvgPool(addon)],
    ['Softmax', nativeSoftmax(addon)],
    ...nativeEltwiseKernels(addon),
    ...nativeBinaryKernels(addon),
  ]);
}

/** Per op type, the first kernel that accepts the node wins: earlier tables take precedence. */
export function chainKernels(...tables: ReadonlyArray<ReadonlyMap<string, KernelOverride>>): Map<string, KernelOverride> {
  const out = new Map<string, KernelOverride>();
  for (const type of new Set(tables.flatMap((t) => [...t.keys()]))) {
    const chain = tables.map((t) => t.get(type)).filter((k): k is KernelOverride => k !== undefined);
    out.set(type, chain.length === 1 ? chain[0]! : (node, inputs, ctx) => {
      for (const k of chain) {
        const r = k(node, inputs, ctx);
        if (r) return r;
      }
      return undefined;
    });
  }
  return out;
}
