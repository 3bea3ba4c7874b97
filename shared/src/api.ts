import type { Role } from './roles.ts'

/** JSON shapes of the HTTP API (server/src/http), used by the client. */
export interface CreateBoardRequest {
  title: string
}

export interface CreateBoardResponse {
  id: string
  title: string
  /** ISO 8601 */
  createdAt: string
  /** Full links; the token sits in the URL fragment so it never reaches access logs or Referer headers. */
  links: Record<Role, string>
  tokens: Record<Role, string>
}

export interface BoardInfoResponse {
  id: string
  title: string
  role: Role
  /** ISO 8601 */
  createdAt: string
}

export interface ClientConfigResponse {
  tldrawLicenseKey: string | null
  maxMessageBytes: number
}

export interface ApiErrorResponse {
  error: string
  message: string
}
