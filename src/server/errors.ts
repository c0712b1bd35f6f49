import { status as GrpcStatus } from '@grpc/grpc-js';
import { InputError, ShapeInferenceError, TsvinoError } from '../index.js';

/** What went wrong with a request, in protocol-neutral terms; REST and gRPC map it to their codes. */
export type ServerErrorKind = 'bad-request' | 'not-found' | 'unavailable' | 'too-large' | 'internal';

/** An error the server answers with: its kind picks the HTTP status and gRPC code, its message is sent. */
export class ServerError extends Error {
  constructor(readonly kind: ServerErrorKind, message: string) {
    super(message);
    this.name = 'ServerError';
  }
}

export const badRequest = (message: string): ServerError => new ServerError('bad-request', message);
export const notFound = (message: string): ServerError => new ServerError('not-found', message);
export const unavailable = (message: string): ServerError => new ServerError('unavailable', message);

const HTTP_STATUS: Record<ServerErrorKind, number> = {
  'bad-request': 400, 'not-found': 404, unavailable: 503, 'too-large': 413, internal: 500,
};

const GRPC_CODE: Record<ServerErrorKind, GrpcStatus> = {
  'bad-request': GrpcStatus.INVALID_ARGUMENT,
  'not-found': GrpcStatus.NOT_FOUND,
  unavailable: GrpcStatus.UNAVAILABLE,
  'too-large': GrpcStatus.RESOURCE_EXHAUSTED,
  internal: GrpcStatus.INTERNAL,
};

/**
 * Any thrown value as a ServerError. tsvino's InputError and ShapeInferenceError come from the caller's
 * tensors (wrong type, shape, values), so they are the client's fault; other failures are the server's.
 */
export function toServerError(e: unknown): ServerError {
  if (e instanceof ServerError) return e;
  if (e instanceof InputError || e instanceof ShapeInferenceError) return badRequest(e.message);
  if (e instanceof TsvinoError) return new ServerError('internal', `${e.name}: ${e.message}`);
  return new ServerError('internal', e instanceof Error ? e.message : String(e));
}

export const httpStatusOf = (e: ServerError): number => HTTP_STATUS[e.kind];
export const grpcCodeOf = (e: ServerError): GrpcStatus => GRPC_CODE[e.kind];
