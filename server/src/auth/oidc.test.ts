import { describe, expect, it } from 'vitest'
import { isAllowed, safeReturnTo } from './oidc.ts'

describe('safeReturnTo', () => {
  it('keeps a path on this server, with its query and fragment', () => {
    expect(safeReturnTo('/')).toBe('/')
    expect(safeReturnTo('/b/abc?x=1#y')).toBe('/b/abc?x=1#y')
    expect(safeReturnTo('/mijn/../borden')).toBe('/borden')
  })

  it.each([
    ['https://evil.example/'],
    ['//evil.example/'],
    ['/\\evil.example/'],
    ['\\\\evil.example'],
    ['/%0d%0aSet-Cookie:x'.replace('%0d%0a', '\r\n')],
    ['javascript:alert(1)'],
    ['evil.example'],
    ['/\tevil'],
    ['/auth/callback?code=x'],
    [''],
    ['/' + 'a'.repeat(2001)],
  ])('sends %j to / instead', (raw) => {
    expect(safeReturnTo(raw)).toBe('/')
  })

  it('takes nothing but a string', () => {
    expect(safeReturnTo(undefined)).toBe('/')
    expect(safeReturnTo(['/b/x'])).toBe('/')
  })
})

describe('isAllowed', () => {
  const domains = { allowedDomains: ['gemeente.nl'], allowedGroups: [], groupsClaim: 'groups' }
  const groups = { allowedDomains: [], allowedGroups: ['begeleiders'], groupsClaim: 'groups' }

  it('lets anyone in without a rule', () => {
    expect(isAllowed({ sub: 'x' }, { allowedDomains: [], allowedGroups: [], groupsClaim: 'groups' })).toBe(true)
  })

  it('checks the e-mail domain exactly, case-insensitively, and never an unverified address', () => {
    expect(isAllowed({ email: 'Anna@Gemeente.NL' }, domains)).toBe(true)
    expect(isAllowed({ email: 'anna@gemeente.nl', email_verified: true }, domains)).toBe(true)
    expect(isAllowed({ email: 'anna@gemeente.nl', email_verified: false }, domains)).toBe(false)
    expect(isAllowed({ email: 'anna@nepgemeente.nl' }, domains)).toBe(false)
    expect(isAllowed({ email: 'anna@gemeente.nl.evil.example' }, domains)).toBe(false)
    expect(isAllowed({ email: 'gemeente.nl' }, domains)).toBe(false)
    expect(isAllowed({}, domains)).toBe(false)
  })

  it('needs one of the allowed groups, from a list or a single value, in the configured claim', () => {
    expect(isAllowed({ groups: ['a', 'begeleiders'] }, groups)).toBe(true)
    expect(isAllowed({ groups: 'begeleiders' }, groups)).toBe(true)
    expect(isAllowed({ groups: ['Begeleiders'] }, groups)).toBe(false)
    expect(isAllowed({ groups: { begeleiders: true } }, groups)).toBe(false)
    expect(isAllowed({ roles: ['begeleiders'] }, groups)).toBe(false)
    expect(isAllowed({ roles: ['begeleiders'] }, { ...groups, groupsClaim: 'roles' })).toBe(true)
  })

  it('needs both when both are set', () => {
    const both = { ...domains, allowedGroups: ['begeleiders'] }
    expect(isAllowed({ email: 'a@gemeente.nl', groups: ['begeleiders'] }, both)).toBe(true)
    expect(isAllowed({ email: 'a@gemeente.nl', groups: ['anders'] }, both)).toBe(false)
    expect(isAllowed({ email: 'a@elders.nl', groups: ['begeleiders'] }, both)).toBe(false)
  })
})
