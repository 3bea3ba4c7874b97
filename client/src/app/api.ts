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
} from '@samenbord/shared/api'

/** An HTTP error from our API, carrying the status so callers can pick the right message. */
export class ApiError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
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
  return (await response.json()) as T
}

export function createBoard(title: string): Promise<CreateBoardResponse> {
  return request('/api/boards', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  })
}

export function getBoardInfo(boardId: string, token: string): Promise<BoardInfoResponse> {
  return request(`/api/boards/${encodeURIComponent(boardId)}`, {
    headers: { authorization: `Bearer ${token}` },
  })
}

export function getClientConfig(): Promise<ClientConfigResponse> {
  return request('/api/config')
}

// Perspectiefwissel: the session lives on the server, which also guards the role cards.
const pw = (boardId: string) => `/api/boards/${encodeURIComponent(boardId)}/perspectiefwissel`
const auth = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })

export function getPerspectiefwissel(boardId: string, token: string): Promise<PerspectiefwisselStateResponse> {
  return request(pw(boardId), { headers: { authorization: `Bearer ${token}` } })
}

export function startPerspectiefwissel(boardId: string, token: string, body: StartPerspectiefwisselRequest): Promise<StartPerspectiefwisselResponse> {
  return request(pw(boardId), { method: 'POST', headers: auth(token), body: JSON.stringify(body) })
}

export function claimRoleCard(boardId: string, token: string, body: ClaimRoleCardRequest): Promise<ClaimRoleCardResponse> {
  return request(`${pw(boardId)}/claim`, { method: 'POST', headers: auth(token), body: JSON.stringify(body) })
}

export function setPerspectiefwisselPhase(boardId: string, token: string, body: PerspectiefwisselPhaseRequest): Promise<unknown> {
  return request(`${pw(boardId)}/phase`, { method: 'POST', headers: auth(token), body: JSON.stringify(body) })
}
