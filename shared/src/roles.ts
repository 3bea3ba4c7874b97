/** What a capability link lets its holder do on a board. */
export const ROLES = ['facilitator', 'participant', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

/** Viewers follow the board live but every write they send is dropped by the relay. */
export function canWrite(role: Role): boolean {
  return role !== 'viewer'
}
