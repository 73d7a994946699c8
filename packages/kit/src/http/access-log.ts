import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One access line per request, with its request id (`reqId`, from the request's logger): Fastify's own pair
 * ("incoming request", then "request completed") becomes the second alone, naming the method and URL the first
 * carried. Half the log lines for the same facts; errors are still logged at error level.
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
