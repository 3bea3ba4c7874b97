import type {
  ApiErrorResponse,
  BoardInfoResponse,
  ClaimRoleCardRequest,
  ClaimRoleCardResponse,
  ClientConfigResponse,
  CreateBoardResponse,
  PerspectiefwisselPhaseRequest,
  PerspectiefwisselStateResponse,
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

/** The response of an API call, or an ApiError with the server's Dutch message. */
async function fetchOk(path: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(path, { ...init, credentials: 'omit' })
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

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  return (await (await fetchOk(path, init)).json()) as T
}

/** A call with a board, card or rugzak token: GET without a body, POST with a JSON one (or as `method` says). */
export function tokenRequest<T>(path: string, token: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<T> {
  return request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

export function createBoard(title: string): Promise<CreateBoardResponse> {
  return request('/api/boards', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  })
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

export function restoreBackup(fileText: string): Promise<CreateBoardResponse> {
  return request('/api/boards/restore', { method: 'POST', headers: { 'content-type': 'application/json' }, body: fileText })
}
