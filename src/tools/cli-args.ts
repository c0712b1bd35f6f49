import { InputError } from '../index.js';

/** commander argument parsers shared by the commands: a bad value is an InputError naming it. */
export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InputError(`expected a positive integer, got "${v}"`);
  return n;
}

export function positiveNumber(v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new InputError(`expected a positive number, got "${v}"`);
  return n;
}
