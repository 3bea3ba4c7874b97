import type {
  ApiErrorResponse,
  BoardInfoResponse,
  ClaimRoleCardRequest,
  ClaimRoleCardResponse,
  ClientConfigResponse,
  CreateBoardResponse,
  PerspectiefwisselPhaseRequest,
  PerspectiefwisselStateResponse,
  RenewedLinksResponse,
  StartPerspectiefwisselRequest,
  StartPerspectiefwisselResponse,
  VerslagDataResponse,
} from '@samenbord/shared/api'

/** An HTTP error from our API, carrying the status so callers can pick the right message. */
export class ApiError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

/**
 * The response of an API call, or an ApiError with the server's Dutch message. Board calls send
 * no cookie (the link's token is their only key); `withSession` calls send the sign-in cookie.
 */
async function fetchOk(path: string, init?: RequestInit, withSession = false): Promise<Response> {
  const response = await fetch(path, { ...init, credentials: withSession ? 'same-origin' : 'omit' })
  if (!response.ok) {
    let message = response.statusText
    try {
      message = ((await response.json()) as ApiErrorResponse).message ?? message
    } catch {
      // not JSON: keep the status text
    }
    throw new ApiError(response.status, message)
  }
  return response
}

async function request<T>(path: string, init?: RequestInit, withSession = false): Promise<T> {
  return (await (await fetchOk(path, init, withSession)).json()) as T
}

/** A call as the signed-in facilitator (the session cookie), with an optional JSON body. */
function sessionRequest<T>(path: string, method = 'GET', body?: unknown): Promise<T> {
  return request(
    path,
    { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) },
    true,
  )
}

/** A call with a board, card or rugzak token: GET without a body, POST with a JSON one (or as `method` says). */
export function tokenRequest<T>(path: string, token: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<T> {
  return request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

/** Needs a signed-in facilitator: the board belongs to that account. */
export function createBoard(title: string): Promise<CreateBoardResponse> {
  return sessionRequest('/api/boards', 'POST', { title })
}

export function getBoardInfo(boardId: string, token: string): Promise<BoardInfoResponse> {
  return tokenRequest(`/api/boards/${encodeURIComponent(boardId)}`, token)
}

export function getClientConfig(): Promise<ClientConfigResponse> {
  return request('/api/config')
}

// Perspectiefwissel: the session lives on the server, which also guards the role cards.
const pw = (boardId: string) => `/api/boards/${encodeURIComponent(boardId)}/perspectiefwissel`

export function getPerspectiefwissel(boardId: string, token: string): Promise<PerspectiefwisselStateResponse> {
  return tokenRequest(pw(boardId), token)
}

export function startPerspectiefwissel(boardId: string, token: string, body: StartPerspectiefwisselRequest): Promise<StartPerspectiefwisselResponse> {
  return tokenRequest(pw(boardId), token, body)
}

export function claimRoleCard(boardId: string, token: string, body: ClaimRoleCardRequest): Promise<ClaimRoleCardResponse> {
  return tokenRequest(`${pw(boardId)}/claim`, token, body)
}

export function setPerspectiefwisselPhase(boardId: string, token: string, body: PerspectiefwisselPhaseRequest): Promise<unknown> {
  return tokenRequest(`${pw(boardId)}/phase`, token, body)
}

// Verslag, back-up and restore (facilitator): the board's outcome into the organisation's own file.
export function getVerslagData(boardId: string, token: string): Promise<VerslagDataResponse> {
  return tokenRequest(`/api/boards/${encodeURIComponent(boardId)}/verslag`, token)
}

/** The back-up file exactly as the server wrote it (kept as text: it is saved, not read). */
export async function downloadBackup(boardId: string, token: string): Promise<Blob> {
  return (await fetchOk(`/api/boards/${encodeURIComponent(boardId)}/export`, { headers: { authorization: `Bearer ${token}` } })).blob()
}

/** Needs a signed-in facilitator: the restored board belongs to that account. */
export function restoreBackup(fileText: string): Promise<CreateBoardResponse> {
  return request('/api/boards/restore', { method: 'POST', headers: { 'content-type': 'application/json' }, body: fileText }, true)
}

// Sign-in and "Mijn borden" (see the sign-in contract): the session cookie is the key here.

/** `GET /api/config` → `auth`: how facilitators sign in on this server. */
export interface AuthConfig {
  mode: 'oidc' | 'local'
  /** The organisation's sign-in, e.g. "Entra ID"; null when the server names none. */
  providerName: string | null
}

export interface Me {
  subject: string
  name: string
  email: string | null
  kind: 'oidc' | 'local'
  /** The local beheerder (set-up link): may invite facilitators. */
  beheerder: boolean
}

export interface MyBoard {
  id: string
  title: string
  /** ISO 8601 */
  createdAt: string
  lastActiveAt: string
  connectedNow: number
  /** When retention deletes it unless someone opens it before then. */
  deleteAfter: string
  /** Made or restored by this account, or attached with a facilitator link as co-facilitator. */
  relation: 'owner' | 'co-facilitator'
}

export interface Invite {
  link: string
  expiresAt: string
}

/** The signed-in account, or null when nobody is signed in on this browser. */
export async function getMe(): Promise<Me | null> {
  try {
    return await sessionRequest<Me>('/api/me')
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null
    throw e
  }
}

export async function signOut(): Promise<void> {
  await fetchOk('/auth/logout', { method: 'POST' }, true)
}

export async function listMyBoards(): Promise<MyBoard[]> {
  return (await sessionRequest<{ boards: MyBoard[] }>('/api/my-boards')).boards
}

/** Fresh links (and their tokens) for one of the account's own boards. */
export function myBoardLinks(boardId: string): Promise<Pick<CreateBoardResponse, 'links' | 'tokens'>> {
  return sessionRequest(`/api/my-boards/${encodeURIComponent(boardId)}/links`, 'POST')
}

/** Puts the board in the signed-in facilitator's "Mijn borden": the facilitator link as proof, the cookie for whose list. */
export function attachBoard(boardId: string, facilitatorToken: string): Promise<{ id: string; title: string; relation: MyBoard['relation'] }> {
  return request(`/api/my-boards/${encodeURIComponent(boardId)}/attach`, { method: 'POST', headers: { authorization: `Bearer ${facilitatorToken}` } }, true)
}

export function renameBoard(boardId: string, facilitatorToken: string, title: string): Promise<{ id: string; title: string }> {
  return tokenRequest(`/api/boards/${encodeURIComponent(boardId)}`, facilitatorToken, { title }, 'PATCH')
}

export function renewBoardLinks(boardId: string, facilitatorToken: string): Promise<RenewedLinksResponse> {
  return tokenRequest(`/api/boards/${encodeURIComponent(boardId)}/links/renew`, facilitatorToken, undefined, 'POST')
}

export async function deleteBoard(boardId: string, facilitatorToken: string): Promise<void> {
  await fetchOk(`/api/boards/${encodeURIComponent(boardId)}`, { method: 'DELETE', headers: { authorization: `Bearer ${facilitatorToken}` } })
}

/** Beheerder (local mode): a one-time link that gives a new facilitator an account. */
export function createInvite(name: string): Promise<Invite> {
  return sessionRequest('/api/invites', 'POST', { name })
}

/** The one-time code of the set-up link printed by the server: this browser becomes the beheerder. */
export async function redeemSetupCode(code: string): Promise<void> {
  await fetchOk('/auth/setup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) }, true)
}

export async function redeemInvite(code: string, name: string): Promise<void> {
  await fetchOk('/auth/invite', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, name }) }, true)
}
