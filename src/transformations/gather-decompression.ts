// Gather over a compressed table: Gather(scale · (Convert(codes) − zp), ids, 0) becomes
// Gather(scale) · (Convert(Gather(codes, ids, 0)) − Gather(zp)), so only the rows looked up are
// decoded (an embedding of 50k rows × 768 reads 64 of them). Operands that do not vary along the
// table's rows (per-column scales) are kept as they are. Exact: every element is computed by the
// same f32 operations on the same values.
import type { Model } from '../core/model.js';
import { Node, type Output } from '../core/node.js';
import { convert } from '../ops/convert.js';
import { multiply } from '../ops/multiply.js';
import { subtract } from '../ops/subtract.js';
import { constantIntegers, detachIfDead, finishPass, replaceOutput, rewriteEach, sourceOf, type PassOptions } from './pattern.js';
import { matchDecompression } from './weight-decompression.js';

const staticShape = (o: Output): number[] | undefined => (o.partialShape.isStatic() ? o.partialShape.toShape() : undefined);

function rewriteAt(g: Node): boolean {
  if (g.type !== 'Gather' || Number(g.attrs['batchDims'] ?? 0) !== 0) return false;
  const [data, ids, axisInput] = [sourceOf(g, 0), sourceOf(g, 1), sourceOf(g, 2)];
  const m = matchDecompression(data);
  // One-byte codes only: the gathered rows are then plain byte copies (4-bit rows may split a byte).
  if (!m || m.output !== m.decoded || (m.codeType !== 'u8' && m.codeType !== 'i8')) return false;
  const table = staticShape(data);
  const axis = constantIntegers(axisInput);
  if (!table || !axis || axis.length !== 1 || (axis[0] !== 0 && axis[0] !== -table.length)) return false;
  if (!ids.partialShape.isRankStatic() || ids.partialShape.rank < 1) return false;
  const codesShape = staticShape(m.codes);
  if (!codesShape || codesShape.join() !== table.join()) return false;
  const created: Node[] = [];
  // An operand with one value per row is gathered too; one that broadcasts over rows stays.
  const rowwise = (o: Output): Output | undefined => {
    const s = staticShape(o);
    if (!s || s.length > table.length) return undefined;
    if (s.length < table.length || s[0] === 1) return o;
    if (s[0] !== table[0]) return undefined;
    const picked = new Node(g.op, [o, ids, axisInput], g.attrs, `${g.friendlyName}/${o === m.scale ? 'scale' : 'zero_point'}`);
    created.push(picked);
    return picked.output(0);
  };
  const scale = rowwise(m.scale);
  const zeroPoint = m.zeroPoint && rowwise(m.zeroPoint);
  if (!scale || (m.zeroPoint && !zeroPoint)) {
    created.forEach((n) => detachIfDead(n));
    return false;
  }
  const rows = new Node(g.op, [m.codes, ids, axisInput], g.attrs, `${g.friendlyName}/codes`);
  const codes = convert(rows, 'f32', `${g.friendlyName}/convert`);
  const centred = zeroPoint ? subtract(codes, zeroPoint, {}, `${g.friendlyName}/subtract`) : codes;
  const decoded = multiply(centred, scale, {}, `${g.friendlyName}/decompressed`);
  created.push(rows, codes, ...(zeroPoint ? [centred] : []), decoded);
  return replaceOutput(g.output(0), decoded.output(0), [g], created);
}

/** Rewrites every Gather along axis 0 of a decompressed u8/i8 table; returns how many. */
export function gatherCompressedRows(model: Model, options: PassOptions = {}): number {
  return finishPass(model, rewriteEach(model, rewriteAt), options);
}
