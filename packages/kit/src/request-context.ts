import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Per-request context that follows async work, so outgoing calls and published events carry the
 * request id of the request that caused them without threading it through every function.
 */
export interface RequestContext {
  requestId: string;
  /** The caller's access token, forwarded on service-to-service calls made on the user's behalf. */
  authorization?: string | undefined;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  enterWith(context: RequestContext): void {
    storage.enterWith(context);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
};

export const REQUEST_ID_HEADER = 'x-request-id';
