import type { ElementType } from '../index.js';

/** The KServe v2 tensor datatypes (Open Inference Protocol, "Tensor Data Types"). */
export const KSERVE_DATATYPES = [
  'BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES',
] as const;
export type KServeDatatype = (typeof KSERVE_DATATYPES)[number];

const TO_ELEMENT: Record<KServeDatatype, ElementType> = {
  BOOL: 'boolean', UINT8: 'u8', UINT16: 'u16', UINT32: 'u32', UINT64: 'u64',
  INT8: 'i8', INT16: 'i16', INT32: 'i32', INT64: 'i64', FP16: 'f16', FP32: 'f32', FP64: 'f64', BYTES: 'string',
};

/** Bytes per element in the raw (binary extension / raw_*_contents) layout; BYTES is length-prefixed. */
const ELEMENT_BYTES: Record<KServeDatatype, number> = {
  BOOL: 1, UINT8: 1, UINT16: 2, UINT32: 4, UINT64: 8, INT8: 1, INT16: 2, INT32: 4, INT64: 8,
  FP16: 2, FP32: 4, FP64: 8, BYTES: 0,
};

export const isKServeDatatype = (s: unknown): s is KServeDatatype =>
  KSERVE_DATATYPES.some((d) => d === s);

export const toElementType = (d: KServeDatatype): ElementType => TO_ELEMENT[d];

export const elementBytes = (d: KServeDatatype): number => ELEMENT_BYTES[d];

/** The KServe datatype of an element type, or undefined when the protocol has none (bf16, i4, f8...). */
export function fromElementType(t: ElementType): KServeDatatype | undefined {
  return KSERVE_DATATYPES.find((d) => TO_ELEMENT[d] === t);
}
