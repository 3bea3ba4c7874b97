import { describe, expect, it } from 'vitest'
import { createTLSchema, defaultBindingSchemas, defaultShapeSchemas } from '@tldraw/tlschema'
import type { TLPropsMigrations } from '@tldraw/tlschema'
import { boardFieldLabels, werkvormBindingSchemas, werkvormRecordSchemas, werkvormSchemas, werkvormShapeSchemas } from './board-schema.ts'

/** Each type's migration ids, in order. */
function migrationIds(): Record<string, string[]> {
  const ids: Record<string, string[]> = {}
  for (const werkvorm of werkvormSchemas) {
    for (const group of [werkvorm.shapes, werkvorm.bindings, werkvorm.records]) {
      for (const [type, { migrations }] of Object.entries<{ migrations: TLPropsMigrations }>(group ?? {})) ids[type] = migrations.sequence.map((step) => ('id' in step ? step.id : `dependsOn ${step.dependsOn.join()}`))
    }
  }
  return ids
}

describe('board schema', () => {
  it('lists each werkvorm type once, with props or a validator, labels and a migration sequence', () => {
    expect(Object.keys(werkvormShapeSchemas).sort()).toEqual(['genogram-legenda', 'genogram-persoon', 'genogram-relatie', 'themacluster', 'tijdlijn', 'tijdlijn-gat', 'tijdlijn-kaart'])
    expect(Object.keys(werkvormBindingSchemas)).toEqual(['genogram-anker'])
    expect(Object.keys(werkvormRecordSchemas).sort()).toEqual(['handelingsalternatief', 'person', 'stem'])
    for (const type of [...Object.keys(werkvormShapeSchemas), ...Object.keys(werkvormBindingSchemas), ...Object.keys(werkvormRecordSchemas)]) {
      expect(boardFieldLabels[type], type).toBeDefined()
    }
    // tldraw accepts it as it is (sequence ids, custom record names), as the client's store and the relay build it.
    const schema = createTLSchema({
      shapes: { ...defaultShapeSchemas, ...werkvormShapeSchemas },
      bindings: { ...defaultBindingSchemas, ...werkvormBindingSchemas },
      records: werkvormRecordSchemas,
    })
    expect(schema.serialize().sequences['com.tldraw.shape.tijdlijn-kaart']).toBe(1)
  })

  it("numbers each type's steps 1, 2, 3 … under its own sequence, so a step can only be appended", () => {
    for (const werkvorm of werkvormSchemas) {
      const groups = [
        ['shape', werkvorm.shapes],
        ['binding', werkvorm.bindings],
        ['record', werkvorm.records],
      ] as const
      for (const [group, types] of groups) {
        for (const [type, { migrations }] of Object.entries<{ migrations: TLPropsMigrations }>(types ?? {})) {
          const sequenceId = group === 'record' ? `com.tldraw.${type}` : `com.tldraw.${group}.${type}`
          migrations.sequence.forEach((step, i) => {
            expect('id' in step && step.id, `${type} step ${i + 1}`).toBe(`${sequenceId}/${i + 1}`)
          })
        }
      }
    }
  })

  it('keeps every released migration step (a step once released is never removed or renumbered)', () => {
    // Append a new step's id here when it is released; never change the ones above it.
    const released: Record<string, string[]> = {
      'tijdlijn-kaart': ['com.tldraw.shape.tijdlijn-kaart/1'],
    }
    const ids = migrationIds()
    for (const [type, steps] of Object.entries(released)) expect(ids[type].slice(0, steps.length), type).toEqual(steps)
  })
})
