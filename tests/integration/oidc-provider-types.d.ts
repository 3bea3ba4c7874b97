// oidc-provider 9 ships no type declarations; the helper uses it through its own types.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'
  export default class Provider {
    constructor(issuer: string, configuration: unknown)
    callback(): (request: IncomingMessage, response: ServerResponse) => void
    interactionDetails(request: IncomingMessage, response: ServerResponse): Promise<{ uid: string; prompt: { name: string } }>
    interactionFinished(request: IncomingMessage, response: ServerResponse, result: unknown, options?: { mergeWithLastSubmission?: boolean }): Promise<void>
  }
}
