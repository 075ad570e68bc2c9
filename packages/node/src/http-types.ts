/**
 * The parts of Node's HTTP request and response the SDK reads, declared here so that the
 * published types load without `@types/node` (TypeScript 6 and later load no `@types` package
 * unless the app lists it). Node's `IncomingMessage` and `ServerResponse`, and the requests and
 * responses of express and fastify built on them, fit these shapes.
 */
export interface NodeRequest {
  method?: string | undefined;
  url?: string | undefined;
  headers: {
    [name: string]: string | string[] | undefined;
    host?: string | undefined;
    'content-type'?: string | undefined;
  };
  socket?: { remoteAddress?: string | undefined } | null | undefined;
}

export interface NodeResponse {
  statusCode: number;
  /** The request this response answers (Node sets it on a server's responses). */
  req?: unknown;
  on(event: 'finish', listener: () => void): unknown;
}
