import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fp from 'fastify-plugin'
import fastifyStatic from '@fastify/static'
import { SYNC_PATH } from '@samenbord/shared'
import { sendError } from './errors.ts'

export interface StaticPluginOptions {
  /** Absolute path of the built client. */
  clientDir: string
}

const IMMUTABLE = 'public, max-age=31536000, immutable'
const NOT_BUILT_MESSAGE = 'client not built: run pnpm build'

/**
 * Serves the built client and the SPA fallback: any GET that is not an API route and not a
 * file gets index.html, so /b/:id deep links work. Also owns the JSON 404 for everything else.
 */
export const staticPlugin = fp<StaticPluginOptions>(
  async (app, options) => {
    const indexFile = join(options.clientDir, 'index.html')

    await app.register(fastifyStatic, {
      root: options.clientDir,
      prefix: '/',
      wildcard: true,
      index: ['index.html'],
      // We set Cache-Control ourselves: hashed assets forever, the HTML shell never.
      cacheControl: false,
      // The client may be built after the server started; no warning for a missing dir.
      suppressWarning: true,
      setHeaders(reply, filePath) {
        if (filePath.endsWith('.html')) reply.header('cache-control', 'no-cache')
        else if (isAssetPath(filePath, options.clientDir)) reply.header('cache-control', IMMUTABLE)
        else reply.header('cache-control', 'public, max-age=3600')
      },
    })

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0]
      if ((request.method === 'GET' || request.method === 'HEAD') && isSpaPath(path)) {
        if (!existsSync(indexFile)) return sendError(reply, 503, 'client-not-built', NOT_BUILT_MESSAGE)
        return reply.header('cache-control', 'no-cache').sendFile('index.html')
      }
      // Never echo the URL back: it may carry a token in its query string.
      return sendError(reply, 404, 'not-found', 'Niet gevonden.')
    })
  },
  { name: 'samenbord-static', fastify: '5.x' },
)

function isAssetPath(filePath: string, clientDir: string): boolean {
  return filePath.startsWith(join(clientDir, 'assets') + '/')
}

/** Paths the client router owns. API, sync and missing build assets get a real 404. */
function isSpaPath(path: string): boolean {
  if (path === '/api' || path.startsWith('/api/')) return false
  if (path === SYNC_PATH || path.startsWith(`${SYNC_PATH}/`)) return false
  if (path.startsWith('/assets/')) return false
  return true
}
