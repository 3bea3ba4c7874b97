import type { Person } from '../personen/person.ts'
import { type PersonVariant, RELATION_KIND_INFO, RELATION_TYPES, RELATION_KINDS_BY_TYPE, SYMBOL_LABELS } from './notation.ts'
import { type GenogramRelation, parentsOf } from './relations.ts'

type Point = { x: number; y: number }

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Persons drawn in the family tree: all of the family, plus network people tied in by a couple or child line. */
export function familyTreePersons(persons: readonly Person[], relations: readonly GenogramRelation[]): Person[] {
  const structural = new Set<string>()
  for (const relation of relations) {
    if (relation.relationType === 'koppel') structural.add(relation.from).add(relation.to)
    if (relation.relationType === 'kind') {
      structural.add(relation.to)
      for (const parent of parentsOf(relation.from, relations) ?? [relation.from]) structural.add(parent)
    }
  }
  return persons.filter((person) => person.kind === 'gezin' || (person.kind === 'netwerk' && structural.has(person.id)))
}

// The parent unit a child hangs under: biological first, then adoption, then foster.
function primaryChildLinks(relations: readonly GenogramRelation[]): Map<string, GenogramRelation> {
  const rank = { biologisch: 0, adoptie: 1, pleeg: 2 } as Record<string, number>
  const primary = new Map<string, GenogramRelation>()
  const links = relations.filter((relation) => relation.relationType === 'kind').sort((a, b) => rank[a.kind] - rank[b.kind] || byId(a.id, b.id))
  for (const link of links) if (!primary.has(link.to)) primary.set(link.to, link)
  return primary
}

/**
 * Generation per family-tree person: 0 = oldest. Partners share a generation, children sit one
 * below their parents. People without couple or child lines get the generation whose members'
 * average birth year is closest to theirs, or 0 when their birth year is unknown.
 */
export function assignGenerations(persons: readonly Person[], relations: readonly GenogramRelation[]): Map<string, number> {
  const tree = familyTreePersons(persons, relations)
  const ids = new Set(tree.map((person) => person.id))

  // Partners form one group (union–find), so they always share a row.
  const root = new Map<string, string>()
  const find = (id: string): string => {
    let current = id
    while (root.get(current) !== current) current = root.get(current) as string
    root.set(id, current)
    return current
  }
  for (const id of ids) root.set(id, id)
  for (const relation of relations) {
    if (relation.relationType !== 'koppel' || !ids.has(relation.from) || !ids.has(relation.to)) continue
    const [a, b] = [find(relation.from), find(relation.to)].sort(byId)
    root.set(b, a)
  }

  // Parent group → child group edges.
  const childGroups = new Map<string, Set<string>>()
  const parentGroups = new Map<string, Set<string>>()
  const connected = new Set<string>()
  for (const relation of relations) {
    if (relation.relationType === 'koppel' && ids.has(relation.from) && ids.has(relation.to)) connected.add(relation.from).add(relation.to)
    if (relation.relationType !== 'kind' || !ids.has(relation.to)) continue
    for (const parent of parentsOf(relation.from, relations) ?? [relation.from]) {
      if (!ids.has(parent)) continue
      const [p, c] = [find(parent), find(relation.to)]
      if (p === c) continue
      if (!childGroups.has(p)) childGroups.set(p, new Set())
      if (!parentGroups.has(c)) parentGroups.set(c, new Set())
      childGroups.get(p)!.add(c)
      parentGroups.get(c)!.add(p)
      connected.add(parent).add(relation.to)
    }
  }

  // Longest path from the top (Kahn's order; edges in a cycle are ignored).
  const groups = [...new Set([...ids].map(find))].sort(byId)
  const level = new Map<string, number>()
  const pending = new Map(groups.map((group) => [group, parentGroups.get(group)?.size ?? 0]))
  const order: string[] = []
  const queue = groups.filter((group) => pending.get(group) === 0)
  for (const group of queue) level.set(group, 0)
  while (queue.length > 0) {
    const group = queue.shift() as string
    order.push(group)
    for (const child of [...(childGroups.get(group) ?? [])].sort(byId)) {
      level.set(child, Math.max(level.get(child) ?? 0, (level.get(group) ?? 0) + 1))
      pending.set(child, (pending.get(child) as number) - 1)
      if (pending.get(child) === 0) queue.push(child)
    }
  }
  for (const group of groups) if (!level.has(group)) level.set(group, 0)
  // Pull parentless groups down to just above their highest child, so a lone grandparent of
  // a married-in partner does not float at the top.
  for (const group of [...order].reverse()) {
    if ((parentGroups.get(group)?.size ?? 0) > 0) continue
    const children = [...(childGroups.get(group) ?? [])].map((child) => level.get(child) as number)
    if (children.length > 0) level.set(group, Math.max(level.get(group) as number, Math.min(...children) - 1))
  }

  const generations = new Map<string, number>()
  for (const person of tree) if (connected.has(person.id)) generations.set(person.id, level.get(find(person.id)) as number)

  // Best guess for people without lines: the generation with the nearest average birth year.
  const birthYears = new Map<number, number[]>()
  for (const person of tree) {
    const generation = generations.get(person.id)
    if (generation === undefined || person.birthYear === null) continue
    birthYears.set(generation, [...(birthYears.get(generation) ?? []), person.birthYear])
  }
  const averages = [...birthYears].map(([generation, years]) => ({ generation, year: years.reduce((a, b) => a + b, 0) / years.length }))
  for (const person of tree) {
    if (generations.has(person.id)) continue
    if (person.birthYear === null || averages.length === 0) {
      generations.set(person.id, 0)
      continue
    }
    const birthYear = person.birthYear
    const nearest = averages.reduce((best, entry) => (Math.abs(entry.year - birthYear) < Math.abs(best.year - birthYear) ? entry : best))
    generations.set(person.id, nearest.generation)
  }

  const lowest = Math.min(...generations.values())
  if (Number.isFinite(lowest) && lowest !== 0) for (const [id, generation] of generations) generations.set(id, generation - lowest)
  return generations
}

export interface GenerationLayoutOptions {
  /** Vertical distance between generation rows (page units). */
  rowHeight: number
  /** Minimum horizontal distance between the centres of two people in a row. */
  spacing: number
}

/**
 * Positions (the centre of each symbol) for the family tree: one row per generation (y =
 * generation × rowHeight), children centred under their parents, siblings oldest-left (then by
 * current x when birth years are unknown), twins side by side, partners next to each other with
 * men left. Professionals, and network people without couple or child lines, are not returned:
 * they belong in the network ring.
 */
export function layoutGenerations(
  persons: readonly Person[],
  relations: readonly GenogramRelation[],
  current: ReadonlyMap<string, Point>,
  options: GenerationLayoutOptions,
): Map<string, Point> {
  const tree = familyTreePersons(persons, relations)
  const people = new Map(tree.map((person) => [person.id, person]))
  const generations = assignGenerations(persons, relations)
  const primary = primaryChildLinks(relations)
  const twinOf = new Set(relations.filter((relation) => relation.relationType === 'kind' && relation.twin).map((relation) => relation.to))
  const partners = new Map<string, string[]>()
  for (const relation of relations) {
    if (relation.relationType !== 'koppel' || !people.has(relation.from) || !people.has(relation.to)) continue
    partners.set(relation.from, [...(partners.get(relation.from) ?? []), relation.to])
    partners.set(relation.to, [...(partners.get(relation.to) ?? []), relation.from])
  }

  const result = new Map<string, Point>()
  const rows = [...new Set(generations.values())].sort((a, b) => a - b)
  const currentX = (id: string) => current.get(id)?.x ?? null
  // Older first, then by where people stand now, then by id; twins tie on birth year and stay adjacent.
  const siblingOrder = (a: Person, b: Person) =>
    (a.birthYear ?? Infinity) - (b.birthYear ?? Infinity) ||
    (a.birthYear === null && b.birthYear === null ? (currentX(a.id) ?? Infinity) - (currentX(b.id) ?? Infinity) : 0) ||
    Number(twinOf.has(b.id)) - Number(twinOf.has(a.id)) ||
    byId(a.id, b.id)

  for (const generation of rows) {
    const members = tree.filter((person) => generations.get(person.id) === generation)
    // Anchor: midpoint of the parents already placed (null when none are).
    const parentAnchor = (person: Person): number | null => {
      const link = primary.get(person.id)
      if (!link) return null
      const parents = (parentsOf(link.from, relations) ?? [link.from]).map((id) => result.get(id)).filter((p): p is Point => p !== undefined)
      return parents.length > 0 ? parents.reduce((sum, p) => sum + p.x, 0) / parents.length : null
    }

    // Sibling groups (children of one placed parent unit), ordered by their anchor.
    const siblingGroups = new Map<string, Person[]>()
    const loose: Person[] = []
    for (const person of members) {
      const link = primary.get(person.id)
      if (link && parentAnchor(person) !== null) siblingGroups.set(link.from, [...(siblingGroups.get(link.from) ?? []), person])
      else loose.push(person)
    }
    const sequence: Person[] = []
    const groupList = [...siblingGroups.entries()].map(([key, group]) => ({ key, group: group.sort(siblingOrder), anchor: parentAnchor(group[0]) as number }))
    groupList.sort((a, b) => a.anchor - b.anchor || byId(a.key, b.key))
    for (const { group } of groupList) sequence.push(...group)

    // People without placed parents: married-in partners go beside their partner (men left),
    // the rest keep their current order (or birth order) at the end of the row.
    const placedLoose = new Set<string>()
    const besidePartner = new Set<string>()
    const insertBeside = (person: Person): boolean => {
      const partnerIds = (partners.get(person.id) ?? []).filter((id) => sequence.some((p) => p.id === id)).sort(byId)
      if (partnerIds.length === 0) return false
      const index = sequence.findIndex((p) => p.id === partnerIds[0])
      sequence.splice(person.gender === 'man' ? index : index + 1, 0, person)
      return true
    }
    const looseOrder = [...loose].sort(
      (a, b) => (currentX(a.id) ?? Infinity) - (currentX(b.id) ?? Infinity) || (a.birthYear ?? Infinity) - (b.birthYear ?? Infinity) || byId(a.id, b.id),
    )
    let progress = true
    while (progress) {
      progress = false
      for (const person of looseOrder) {
        if (placedLoose.has(person.id)) continue
        if (sequence.length > 0 && insertBeside(person)) {
          placedLoose.add(person.id)
          besidePartner.add(person.id)
          progress = true
        }
      }
      if (!progress) {
        const next = looseOrder.find((person) => !placedLoose.has(person.id))
        if (next) {
          sequence.push(next)
          placedLoose.add(next.id)
          progress = true
        }
      }
    }

    // Desired x per slot, then the closest positions that keep `spacing` apart (isotonic regression).
    const desired = sequence.map((person) =>
      besidePartner.has(person.id) ? null : placedLoose.has(person.id) ? currentX(person.id) : parentAnchor(person),
    )
    const xs = spreadToSpacing(fillDesired(desired, options.spacing), options.spacing)
    sequence.forEach((person, index) => result.set(person.id, { x: xs[index], y: generation * options.rowHeight }))
  }
  return result
}

// Slots without a wish take the next free place after their left neighbour.
function fillDesired(desired: (number | null)[], spacing: number): number[] {
  const filled: number[] = []
  const firstKnown = desired.findIndex((value) => value !== null)
  desired.forEach((value, index) => {
    if (value !== null) filled.push(value)
    else if (index === 0) filled.push(firstKnown > 0 ? (desired[firstKnown] as number) - firstKnown * spacing : 0)
    else filled.push(filled[index - 1] + spacing)
  })
  return filled
}

/** Closest positions to `desired` (least squares) that keep the order and at least `spacing` apart. */
export function spreadToSpacing(desired: readonly number[], spacing: number): number[] {
  // Shift out the spacing so the constraint becomes "non-decreasing", then pool adjacent violators.
  const blocks: { sum: number; count: number }[] = []
  desired.forEach((value, index) => {
    blocks.push({ sum: value - index * spacing, count: 1 })
    while (blocks.length > 1 && blocks[blocks.length - 2].sum / blocks[blocks.length - 2].count > blocks[blocks.length - 1].sum / blocks[blocks.length - 1].count) {
      const last = blocks.pop()!
      blocks[blocks.length - 1].sum += last.sum
      blocks[blocks.length - 1].count += last.count
    }
  })
  const result: number[] = []
  for (const block of blocks) for (let i = 0; i < block.count; i++) result.push(block.sum / block.count + result.length * spacing)
  return result
}

/**
 * Positions (centres) on a circle around the family for everyone who is not family: network
 * people first, then professionals grouped by organisation, starting at the top, clockwise.
 */
export function networkRing(persons: readonly Person[], center: Point, radius: number): Map<string, Point> {
  const kindRank = { netwerk: 0, professional: 1, gezin: 2 }
  const ring = persons
    .filter((person) => person.kind !== 'gezin')
    .sort((a, b) => kindRank[a.kind] - kindRank[b.kind] || a.organisation.localeCompare(b.organisation, 'nl') || a.name.localeCompare(b.name, 'nl') || byId(a.id, b.id))
  const result = new Map<string, Point>()
  ring.forEach((person, index) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * index) / ring.length
    result.set(person.id, { x: center.x + radius * Math.cos(angle), y: center.y + radius * Math.sin(angle) })
  })
  return result
}

export interface LegendEntry {
  key: string
  label: string
}

/**
 * Legend with only what the drawing uses: person symbols first, then line kinds in notation
 * order. Pass the symbol props to include index person, pregnancy and miscarriage.
 */
export function legendFor(
  persons: readonly Person[],
  relations: readonly GenogramRelation[],
  symbols: readonly { personId: string; isIndex: boolean; variant: PersonVariant }[] = [],
): LegendEntry[] {
  const entries: LegendEntry[] = []
  const variants = new Map(symbols.map((symbol) => [symbol.personId, symbol.variant]))
  const plainPersons = persons.filter((person) => (variants.get(person.id) ?? 'persoon') === 'persoon')
  const add = (key: keyof typeof SYMBOL_LABELS, used: boolean) => {
    if (used) entries.push({ key: `symbool:${key}`, label: SYMBOL_LABELS[key] })
  }
  add('man', plainPersons.some((person) => person.gender === 'man'))
  add('vrouw', plainPersons.some((person) => person.gender === 'vrouw'))
  add('anders', plainPersons.some((person) => person.gender === 'anders' || person.gender === 'onbekend'))
  add('index', symbols.some((symbol) => symbol.isIndex))
  add('overleden', plainPersons.some((person) => person.deceased))
  add('zwangerschap', symbols.some((symbol) => symbol.variant === 'zwangerschap'))
  add('miskraam', symbols.some((symbol) => symbol.variant === 'miskraam'))
  add('tweeling', relations.some((relation) => relation.relationType === 'kind' && relation.twin))
  for (const type of RELATION_TYPES) {
    for (const kind of RELATION_KINDS_BY_TYPE[type]) {
      if (relations.some((relation) => relation.relationType === type && relation.kind === kind)) {
        entries.push({ key: `${type}:${kind}`, label: RELATION_KIND_INFO[`${type}:${kind}`].label })
      }
    }
  }
  return entries
}
