import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { signToken } from '@samenbord/server/auth/tokens'
import { CloseCode, consentDocName } from '@samenbord/shared'
import {
  connectClient,
  createBoard,
  disposeAll,
  readSecret,
  sleep,
  startServer,
  waitForFinalClose,
  waitForSynced,
  type CreatedBoard,
  type TestServer,
} from './helpers.ts'

let server: TestServer
let board: CreatedBoard
let otherBoard: CreatedBoard

beforeAll(async () => {
  server = await startServer()
  board = await createBoard(server.httpUrl, 'Bord')
  otherBoard = await createBoard(server.httpUrl, 'Ander bord')
})
afterAll(disposeAll)

// Per-test clients only; the server lives for the whole file.
const clients: ReturnType<typeof connectClient>[] = []
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy()
})

/** Connects, expects a final close with `code`, and checks the client then stays away. */
async function expectRefused(docName: string, token: string | null, code: number, reason: RegExp) {
  const client = connectClient(server.wsUrl, docName, token)
  clients.push(client)
  const closed = await waitForFinalClose(client)
  expect(closed.code).toBe(code)
  expect(closed.reason).toMatch(reason)
  expect(client.provider.synced).toBe(false)
  // Longer than the client's first backoff steps (200 ms, 400 ms): no second attempt. A sleep,
  // as there is no event for an attempt that does not happen (under load it can only pass late).
  await sleep(700)
  expect(client.attempts()).toBe(1)
  expect(client.provider.ws).toBeNull()
  expect(client.provider.shouldConnect).toBe(false)
  // Nothing was loaded or joined for a refused socket.
  expect(server.app.rooms.connectionCount).toBe(0)
}

describe('refused connections', () => {
  it('accepts a valid token (control case)', async () => {
    const client = connectClient(server.wsUrl, board.id, board.tokens.participant)
    clients.push(client)
    await waitForSynced(client)
  })

  it('closes with 4401 when the token is missing', async () => {
    await expectRefused(board.id, null, CloseCode.unauthenticated, /token ontbreekt/i)
  })

  it('closes with 4401 for a forged token', async () => {
    const [body] = board.tokens.viewer.split('.')
    const upgraded = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), role: 'facilitator' }),
    ).toString('base64url')
    await expectRefused(board.id, `${upgraded}.${board.tokens.viewer.split('.')[1]}`, CloseCode.unauthenticated, /token ongeldig/i)
    const wrongSecret = signToken('not-the-server-secret-000000000', { board: board.id, role: 'facilitator', exp: Date.now() + 60_000 })
    await expectRefused(board.id, wrongSecret, CloseCode.unauthenticated, /token ongeldig/i)
    await expectRefused(board.id, 'garbage', CloseCode.unauthenticated, /token ongeldig/i)
  })

  it('closes with 4401 for an expired token', async () => {
    const secret = readSecret(server.dataDir)
    expect(secret).toBe(server.config.secret)
    const expired = signToken(secret, { board: board.id, role: 'participant', exp: Date.now() - 1000 })
    await expectRefused(board.id, expired, CloseCode.unauthenticated, /link verlopen/i)
  })

  it('closes with 4403 for a valid token of another board', async () => {
    await expectRefused(board.id, otherBoard.tokens.facilitator, CloseCode.forbidden, /ander bord/)
  })

  it('closes with 4404 for a board that does not exist', async () => {
    const ghost = 'GhostBoardGhostBoard12'
    const token = signToken(server.config.secret, { board: ghost, role: 'facilitator', exp: Date.now() + 60_000 })
    await expectRefused(ghost, token, CloseCode.notFound, /bestaat niet/)
  })

  it('closes with 4400 for an invalid document name', async () => {
    await expectRefused('kort', board.tokens.participant, CloseCode.badMessage, /documentnaam/)
  })

  it('accepts a known sub-document of the board (board.kind.id) with the board’s token', async () => {
    const client = connectClient(server.wsUrl, consentDocName(board.id), board.tokens.participant)
    clients.push(client)
    await waitForSynced(client)
    const stranger = connectClient(server.wsUrl, consentDocName(board.id), otherBoard.tokens.participant)
    clients.push(stranger)
    expect((await waitForFinalClose(stranger)).code).toBe(CloseCode.forbidden)
  })
})
