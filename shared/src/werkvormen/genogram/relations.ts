import { T } from '@tldraw/validate'
import { type Check, OK, boundedText, checkWith, fail, idValidator, refuse, shapeSizeValidator } from '../check.ts'
import type { Person } from '../personen/person.ts'
import { CHILD_KINDS, COUPLE_KINDS, ECOMAP_KINDS, EMOTIONAL_KINDS, PERSON_VARIANTS, type PersonVariant, RELATION_TYPES, type RelationKind, type RelationType, isKindOfType, relationKindInfo } from './notation.ts'

/**
 * A line in the geno-sociogram. For `kind` (child) relations, `from` is the parents: the id of
 * a `koppel` relation, or a person id for a single parent; `to` is the child. For every other
 * type, `from` and `to` are person ids (direction matters only for directed kinds).
 */
export interface GenogramRelation {
  id: string
  relationType: RelationType
  kind: RelationKind
  from: string
  to: string
  /** Child links only: this child is one of twins (twins share a parent unit and birth year). */
  twin: boolean
}

/** Shape props of a relation line: the relation without its id, plus an optional label ("m. 1990"). */
export type RelationProps = Omit<GenogramRelation, 'id'> & { label: string }

export const MAX_RELATION_LABEL = 60

export const relationProps = {
  relationType: T.literalEnum(...RELATION_TYPES),
  // Any known kind here; whether it fits `relationType` is checked by relationPropsValidator.
  kind: T.literalEnum(...COUPLE_KINDS, ...CHILD_KINDS, ...EMOTIONAL_KINDS, ...ECOMAP_KINDS) as T.Validator<RelationKind>,
  from: idValidator('Het beginpunt van de relatie'),
  to: idValidator('Het eindpunt van de relatie'),
  twin: T.boolean,
  label: boundedText('Het label', 0, MAX_RELATION_LABEL),
}

export const relationPropsValidator = T.object<RelationProps>(relationProps).check((props) => {
  if (!isKindOfType(props.relationType, props.kind)) refuse(`"${props.kind}" is geen soort ${typeLabel(props.relationType)}`)
  if (props.twin && props.relationType !== 'kind') refuse('Alleen een kind kan als tweeling gemarkeerd worden')
})

export const RELATION_FIELD_LABELS: Record<keyof RelationProps, string> = {
  relationType: 'soort relatie',
  kind: 'type lijn',
  from: 'van',
  to: 'naar',
  twin: 'tweeling',
  label: 'label',
}

export function validateRelationProps(props: unknown): Check {
  return checkWith(relationPropsValidator, props, RELATION_FIELD_LABELS)
}

function typeLabel(type: RelationType): string {
  return { koppel: 'partnerrelatie', kind: 'ouder-kindrelatie', emotioneel: 'onderlinge band', ecomap: 'netwerkband' }[type]
}

/** Shape props of a person symbol; the person's details live in the registry. */
export interface PersonSymbolProps {
  personId: string
  w: number
  h: number
  isIndex: boolean
  variant: PersonVariant
}

export const personSymbolProps = {
  personId: idValidator('De persoon'),
  w: shapeSizeValidator,
  h: shapeSizeValidator,
  isIndex: T.boolean,
  variant: T.literalEnum(...PERSON_VARIANTS),
}

export const personSymbolPropsValidator = T.object<PersonSymbolProps>(personSymbolProps)

export function validatePersonSymbolProps(props: unknown): Check {
  return checkWith(personSymbolPropsValidator, props, { personId: 'persoon', w: 'breedte', h: 'hoogte', isIndex: 'aangemelde persoon', variant: 'symbool' })
}

/** The persons who are the parents behind a child link's `from` (a couple id or one parent's id). */
export function parentsOf(from: string, relations: readonly GenogramRelation[]): string[] | null {
  const couple = relations.find((relation) => relation.id === from && relation.relationType === 'koppel')
  return couple ? [couple.from, couple.to] : null
}

/** Map child → parents, over all child links. */
export function parentMap(persons: readonly Person[], relations: readonly GenogramRelation[]): Map<string, string[]> {
  const personIds = new Set(persons.map((person) => person.id))
  const parents = new Map<string, string[]>()
  for (const relation of relations) {
    if (relation.relationType !== 'kind') continue
    const unit = parentsOf(relation.from, relations) ?? (personIds.has(relation.from) ? [relation.from] : [])
    parents.set(relation.to, [...(parents.get(relation.to) ?? []), ...unit])
  }
  return parents
}

function samePair(a: { from: string; to: string }, b: { from: string; to: string }): boolean {
  return (a.from === b.from && a.to === b.to) || (a.from === b.to && a.to === b.from)
}

/**
 * Whether a relation may be added (or, when its id already exists, changed) given the people and
 * the other relations. Refusals name the problem in Dutch.
 */
export function validateRelation(relation: GenogramRelation, persons: readonly Person[], relations: readonly GenogramRelation[]): Check {
  const info = relationKindInfo(relation.relationType, relation.kind)
  if (!info) return fail(`"${relation.kind}" is geen geldige soort ${typeLabel(relation.relationType)}`)
  const others = relations.filter((other) => other.id !== relation.id)
  const byId = new Map(persons.map((person) => [person.id, person]))
  const nameOf = (id: string) => byId.get(id)?.name ?? id

  if (relation.twin && relation.relationType !== 'kind') return fail('Alleen een kind kan als tweeling gemarkeerd worden')

  if (relation.relationType !== 'kind') {
    if (relation.from === relation.to) return fail('Een relatie moet tussen twee verschillende personen zijn')
    if (!byId.has(relation.from) || !byId.has(relation.to)) return fail('Beide personen van de relatie moeten in de personenlijst staan')
    if (relation.relationType === 'koppel' && others.some((other) => other.relationType === 'koppel' && samePair(other, relation))) {
      return fail(`${nameOf(relation.from)} en ${nameOf(relation.to)} zijn al als partners verbonden; pas die relatie aan in plaats van een tweede te maken`)
    }
    const duplicate = others.some((other) => other.relationType === relation.relationType && other.kind === relation.kind && samePair(other, relation))
    if (duplicate) return fail(`Deze lijn (${info.label.toLowerCase()}) staat al tussen ${nameOf(relation.from)} en ${nameOf(relation.to)}`)
    return OK
  }

  // Child link.
  const child = byId.get(relation.to)
  if (!child) return fail('Het kind moet in de personenlijst staan')
  const parentIds = parentsOf(relation.from, others) ?? (byId.has(relation.from) ? [relation.from] : null)
  if (!parentIds) return fail('Koppel een kind aan een ouderpaar (partnerrelatie) of aan één ouder uit de personenlijst')
  if (parentIds.includes(child.id)) return fail(`${child.name} kan geen kind van zichzelf zijn`)
  if (others.some((other) => other.relationType === 'kind' && other.from === relation.from && other.to === relation.to)) {
    return fail(`${child.name} hangt al onder deze ouder(s)`)
  }
  if (relation.kind === 'biologisch' && others.some((other) => other.relationType === 'kind' && other.kind === 'biologisch' && other.to === relation.to)) {
    return fail(`${child.name} heeft al biologische ouders in het genogram; kies adoptie of pleeg voor deze lijn`)
  }
  for (const parentId of parentIds) {
    const parent = byId.get(parentId)
    if (parent && parent.birthYear !== null && child.birthYear !== null && child.birthYear < parent.birthYear) {
      return fail(`${child.name} (${child.birthYear}) is eerder geboren dan ouder ${parent.name} (${parent.birthYear})`)
    }
  }
  // A parent may not descend from the child: walk up from each parent through the existing links.
  const parents = parentMap(persons, others)
  for (const parentId of parentIds) {
    const seen = new Set<string>()
    const queue = [parentId]
    while (queue.length > 0) {
      const current = queue.pop() as string
      if (current === child.id) return fail(`${nameOf(parentId)} stamt al af van ${child.name}; iemand kan niet zijn eigen voorouder zijn`)
      if (seen.has(current)) continue
      seen.add(current)
      queue.push(...(parents.get(current) ?? []))
    }
  }
  return OK
}


/** Relation props as stored on a relation shape (the shape id is the relation id). */
export function relationPropsOf(relation: GenogramRelation, label = ''): RelationProps {
  const { id: _id, ...rest } = relation
  return { ...rest, label }
}
