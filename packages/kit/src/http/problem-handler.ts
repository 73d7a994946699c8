import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, PROBLEM_CONTENT_TYPE, badRequest, isAppError, serviceUnavailable, type FieldError } from '../errors.js';
import { isOutage } from '../outage.js';

/** Fastify's own client errors, translated into words a person understands. */
const FASTIFY_CLIENT_ERRORS: Record<string, { status: number; code: string; title: string; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'malformed-json',
    title: 'Malformed JSON',
    detail: 'The request body is not valid JSON.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'malformed-json',
    title: 'Empty JSON body',
    detail: 'The request says it sends JSON but the body is empty.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'body-too-large',
    title: 'Request body too large',
    detail: 'The request body is larger than this endpoint accepts.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported-media-type',
    title: 'Unsupported media type',
    detail: 'Send the request body as application/json.',
  },
  FST_ERR_BAD_URL: {
    status: 400,
    code: 'bad-url',
    title: 'Malformed URL',
    detail: 'The request path is not valid (a broken percent-encoding?).',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    code: 'uri-too-long',
    title: 'URI too long',
    detail: 'A part of the request path is longer than any id here.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'bad-content-length',
    title: 'Invalid Content-Length',
    detail: 'The Content-Length header does not match the body.',
  },
};

/* eslint-disable @typescript-eslint/no-explicit-any -- works for any server/type-provider flavour */
type AnyReply = FastifyReply<any, any, any, any, any, any, any, any>;
type AnyRequest = FastifyRequest<any, any, any, any, any, any, any, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

export function sendProblem(reply: AnyReply, error: AppError, request: AnyRequest): AnyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply
    .status(error.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(error.toProblem(request.url.split('?')[0]));
}

export function toAppError(error: unknown): AppError | undefined {
  if (isAppError(error)) return error;
  const fastifyError = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fastifyError)) {
    const where = fastifyError.validationContext ?? 'body';
    const errors: FieldError[] = fastifyError.validation.map((issue) => ({
      field: [where, ...pathOf(issue.instancePath)].join('.'),
      message: issue.message ?? 'is invalid',
    }));
    const summary = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return badRequest(`Some fields are not valid: ${summary}`, errors);
  }
  if (fastifyError.validation) {
    const errors = fastifyError.validation.map((issue) => ({
      field: pathOf(issue.instancePath).join('.') || (fastifyError.validationContext ?? 'body'),
      message: issue.message ?? 'is invalid',
    }));
    return badRequest(fastifyError.message, errors);
  }
  const known = fastifyError.code ? FASTIFY_CLIENT_ERRORS[fastifyError.code] : undefined;
  if (known) return new AppError(known);
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError({ status, code: 'client-error', title: 'Bad request', detail: fastifyError.message });
  }
  if (isOutage(error)) return serviceUnavailable('A database this service needs is unreachable right now. Try again in a moment.');
  return undefined;
}

function pathOf(instancePath: string | undefined): string[] {
  return (instancePath ?? '').split('/').filter(Boolean);
}

/** One error handler for every service: problem+json for everything, 500 only for our own bugs. */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError) {
      if (appError.status >= 500) request.log.warn({ err: error }, appError.message);
      return sendProblem(reply, appError, request);
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause }, 'response did not match its schema');
    } else {
      request.log.error({ err: error }, 'unhandled error');
    }
    return sendProblem(
      reply,
      new AppError({
        status: 500,
        code: 'internal-error',
        title: 'Internal server error',
        detail: `Something went wrong on our side. Quote request id ${request.id} if you contact support.`,
      }),
      request,
    );
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new AppError({
        status: 404,
        code: 'route-not-found',
        title: 'Not found',
        detail: `There is no ${request.method} ${request.url.split('?')[0]} here.`,
      }),
      request,
    ),
  );
}
