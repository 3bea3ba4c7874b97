import { createBindingId, toRichText, type Editor, type TLShapeId } from 'tldraw'
import { demoCase } from '@samenbord/shared/werkvormen/sjablonen/demo-case'
import type { DateSpec } from '@samenbord/shared/werkvormen/tijdlijn/dates'
import { putPerson } from '../personen/person-record.ts'
import { arrangeGenerations } from '../genogram/genogram-actions.ts'
import { updateRelationGeometry } from '../genogram/GenogramAnkerBindingUtil.ts'
import { GENOGRAM_ANKER_TYPE, GENOGRAM_PERSOON_TYPE, GENOGRAM_RELATIE_TYPE } from '../genogram/genogram-shapes.ts'
import { GENOGRAM_LEGENDA_TYPE } from '../genogram/GenogramLegendaShapeUtil.tsx'
import { THEMACLUSTER_TYPE } from '../themaclusters/cluster-shapes.ts'
import { initialCardY, TIJDLIJN_KAART_TYPE, TIJDLIJN_TYPE, type TijdlijnShape } from '../tijdlijn/tijdlijn-shapes.ts'
import { relayoutTimeline } from '../tijdlijn/timeline-layout.ts'
import { TIJDLIJN_GAT_TYPE } from '../tijdlijn/TijdlijnGatShapeUtil.tsx'
import type { TLVoteRecord } from '../themaclusters/cluster-shapes.ts'

/** tldraw ids for the demo's plain ids (fixed, so loading twice is detected). */
const personId = (id: string) => `person:${id}`
const shapeId = (id: string) => `shape:${id}` as TLShapeId

function mapDate(date: DateSpec): DateSpec {
  return date.kind === 'age' ? { ...date, personId: personId(date.personId) } : date
}

/**
 * Fills the board with the fictional demo family: registry, tijdlijn, geno-sociogram and themes.
 * Everything is ordinary board content afterwards: anyone can edit or delete it.
 */
export function loadDemoBoard(editor: Editor): boolean {
  if (editor.getShape(shapeId('demo-tijdlijn'))) return false
  const demo = demoCase()
  const view = editor.getViewportPageBounds()
  const origin = { x: Math.round(view.minX + 40), y: Math.round(view.minY + 40) }
  editor.run(() => {
    for (const person of demo.persons) putPerson(editor, { ...person, id: personId(person.id) })

    // Tijdlijn
    const timelineId = shapeId('demo-tijdlijn')
    editor.createShape({ id: timelineId, type: TIJDLIJN_TYPE, x: origin.x, y: origin.y, props: demo.timeline })
    const timelineShape = editor.getShape(timelineId) as TijdlijnShape
    for (const event of demo.events) {
      const { props } = event
      editor.createShape({
        id: shapeId(event.id),
        type: TIJDLIJN_KAART_TYPE,
        parentId: timelineId,
        x: 0,
        y: initialCardY(timelineShape, props.lane, props.h),
        props: {
          ...props,
          date: mapDate(props.date),
          source: { ...props.source, personId: props.source.personId ? personId(props.source.personId) : null },
          counterOf: props.counterOf ? shapeId(props.counterOf) : null,
        },
      })
    }
    for (const gap of demo.gaps) {
      editor.createShape({
        id: shapeId(gap.id),
        type: TIJDLIJN_GAT_TYPE,
        parentId: timelineId,
        x: 0,
        y: 0,
        props: { ...gap.props, from: mapDate(gap.props.from), to: mapDate(gap.props.to) },
      })
    }
    editor.sendToBack(demo.gaps.map((g) => shapeId(g.id)))
    relayoutTimeline(editor, timelineId)
    const timeline = editor.getShapePageBounds(timelineId)!

    // Geno-sociogram, below the timeline
    const genoTop = timeline.maxY + 200
    for (const [i, symbol] of demo.symbols.entries()) {
      editor.createShape({
        id: shapeId(symbol.id),
        type: GENOGRAM_PERSOON_TYPE,
        x: origin.x + 200 + (i % 8) * 140,
        y: genoTop + Math.floor(i / 8) * 200,
        props: { ...symbol.props, personId: personId(symbol.props.personId) },
      })
    }
    const symbolOf = new Map(demo.symbols.map((s) => [s.props.personId, shapeId(s.id)]))
    for (const relation of demo.relations) {
      const id = shapeId(relation.id)
      const isChild = relation.relationType === 'kind'
      const fromPerson = demo.persons.some((p) => p.id === relation.from)
      editor.createShape({
        id,
        type: GENOGRAM_RELATIE_TYPE,
        x: 0,
        y: 0,
        props: {
          relationType: relation.relationType,
          kind: relation.kind,
          from: fromPerson ? personId(relation.from) : shapeId(relation.from),
          to: personId(relation.to),
          twin: relation.twin,
          label: '',
        },
      })
      const start = isChild && !fromPerson ? shapeId(relation.from) : symbolOf.get(relation.from)!
      editor.createBindings([
        { id: createBindingId(), type: GENOGRAM_ANKER_TYPE, fromId: id, toId: start, props: { terminal: 'start' } },
        { id: createBindingId(), type: GENOGRAM_ANKER_TYPE, fromId: id, toId: symbolOf.get(relation.to)!, props: { terminal: 'end' } },
      ])
    }
    arrangeGenerations(editor)
    // The network ring may reach above the family rows: keep the whole picture below the timeline.
    const arranged = editor.getShapesPageBounds(demo.symbols.map((s) => shapeId(s.id)))!
    const shift = { x: origin.x + 40 - arranged.minX, y: genoTop - arranged.minY }
    editor.updateShapes(
      demo.symbols.map((s) => {
        const shape = editor.getShape(shapeId(s.id))!
        return { id: shape.id, type: GENOGRAM_PERSOON_TYPE, x: shape.x + shift.x, y: shape.y + shift.y }
      })
    )
    // Couple lines first, so child links hang from where the couples ended up.
    for (const relation of [...demo.relations].sort((a, b) => Number(a.relationType === 'kind') - Number(b.relationType === 'kind'))) {
      updateRelationGeometry(editor, shapeId(relation.id))
    }
    editor.sendToBack(demo.relations.map((r) => shapeId(r.id)))
    const genogram = editor.getShapesPageBounds(demo.symbols.map((s) => shapeId(s.id)))!
    editor.createShape({ id: shapeId('demo-legenda'), type: GENOGRAM_LEGENDA_TYPE, x: genogram.maxX + 160, y: genogram.minY, props: { h: 560 } })

    // Themaclusters, below the genogram
    const clusterTop = Math.max(genogram.maxY, genogram.minY + 560) + 240
    demo.clusters.forEach((cluster, i) => {
      const id = shapeId(cluster.id)
      editor.createShape({ id, type: THEMACLUSTER_TYPE, x: origin.x + i * (cluster.props.w + 60), y: clusterTop, props: cluster.props })
      cluster.notes.forEach((note, n) => {
        editor.createShape({
          id: shapeId(note.id),
          type: 'note',
          parentId: id,
          x: 24 + (n % 3) * 224,
          y: 90 + Math.floor(n / 3) * 250,
          props: { richText: toRichText(note.text) },
        })
      })
    })
    editor.store.put(
      Object.entries(demo.votes).map(([voter, dots]) => ({
        id: `stem:demo-${voter}` as TLVoteRecord['id'],
        typeName: 'stem' as const,
        voterName: voter,
        dots: Object.fromEntries(Object.entries(dots).map(([note, n]) => [shapeId(note), n])),
      }))
    )
  })
  editor.zoomToFit()
  return true
}
