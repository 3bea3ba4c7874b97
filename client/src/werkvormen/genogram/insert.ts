import { createShapeId, type Editor } from 'tldraw'
import { getPersons } from '../personen/person-record.ts'
import { arrangeGenerations, genogramSymbols, placePerson } from './genogram-actions.ts'
import { GENOGRAM_LEGENDA_TYPE } from './GenogramLegendaShapeUtil.tsx'

/** Starts a geno-sociogram in view: the family from the registry, ordered by generation, and a legend. */
export function insertGenogram(editor: Editor) {
  const view = editor.getViewportPageBounds()
  editor.run(() => {
    const onBoard = new Set(genogramSymbols(editor).map((s) => s.props.personId))
    // Oldest first, so the first picture is the same on every screen and reads left to right.
    const family = getPersons(editor)
      .filter((p) => p.kind === 'gezin' && !onBoard.has(p.id))
      .sort((a, b) => (a.birthYear ?? 9999) - (b.birthYear ?? 9999) || a.name.localeCompare(b.name))
    family.forEach((person, i) => placePerson(editor, person.id, { x: view.minX + 360 + (i % 6) * 140, y: view.minY + 120 + Math.floor(i / 6) * 180 }))
    if (family.length) arrangeGenerations(editor)
    const legendId = createShapeId()
    editor.createShape({ id: legendId, type: GENOGRAM_LEGENDA_TYPE, x: view.maxX - 300, y: view.minY + 220 })
  })
}
