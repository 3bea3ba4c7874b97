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

// Verslag, back-up and restore (facilitator): the board's outcome into the organisation's own file.
export function getVerslagData(boardId: string, token: string): Promise<VerslagDataResponse> {
  return request(`/api/boards/${encodeURIComponent(boardId)}/verslag`, { headers: { authorization: `Bearer ${token}` } })
}

/** The back-up file exactly as the server wrote it (kept as text: it is saved, not read). */
export async function downloadBackup(boardId: string, token: string): Promise<Blob> {
  const response = await fetch(`/api/boards/${encodeURIComponent(boardId)}/export`, { headers: { authorization: `Bearer ${token}` }, credentials: 'omit' })
  if (!response.ok) throw new ApiError(response.status, ((await response.json().catch(() => null)) as ApiErrorResponse | null)?.message ?? response.statusText)
  return response.blob()
}

export function restoreBackup(fileText: string): Promise<CreateBoardResponse> {
  return request('/api/boards/restore', { method: 'POST', headers: { 'content-type': 'application/json' }, body: fileText })
}
