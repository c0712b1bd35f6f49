import type { Model } from '../src/index.js';
/** The common transformation pipeline when it exists in this tree (it is being added alongside). */
export async function commonTransformationsIfAvailable(model: Model): Promise<unknown> {
  try {
    const m = await import('../src/transformations/index.js' as string) as { commonTransformations?: (m: Model) => unknown };
    return m.commonTransformations?.(model);
  } catch {
    return 'none';
  }
}
