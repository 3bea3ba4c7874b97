import { BaseFrameLikeShapeUtil, Group2d, HTMLContainer, Rectangle2d, useEditor, useValue } from 'tldraw'
import { clusterTitle, type ClusterFrameProps } from '@samenbord/shared/werkvormen/themaclusters/clusters'
import { themaclustersSchema } from '@samenbord/shared/werkvormen/themaclusters/schema'
import { THEMACLUSTER_TYPE, type ThemaclusterShape } from './cluster-shapes.ts'
import { totalsByNote } from './votes.ts'

const HEADER_HEIGHT = 56

/** A belevingsthema ("gevoel > behoefte"): sticky notes dragged in belong to it, and it counts them. */
export class ThemaclusterShapeUtil extends BaseFrameLikeShapeUtil<ThemaclusterShape> {
  static override type = THEMACLUSTER_TYPE
  static override props = themaclustersSchema.shapes[THEMACLUSTER_TYPE].props
  static override migrations = themaclustersSchema.shapes[THEMACLUSTER_TYPE].migrations

  override getDefaultProps(): ClusterFrameProps {
    return { w: 720, h: 560, feeling: 'onzekerheid', need: 'duidelijkheid' }
  }

  override canReceiveNewChildrenOfType(shape: ThemaclusterShape, type: string) {
    return !shape.isLocked && type === 'note'
  }

  override getGeometry(shape: ThemaclusterShape) {
    // Hollow like a frame (brushing inside selects notes), but the title bar is solid, so a click
    // on the theme's name selects and drags the whole cluster.
    return new Group2d({
      children: [
        new Rectangle2d({ width: shape.props.w, height: shape.props.h, isFilled: false }),
        new Rectangle2d({ width: shape.props.w, height: HEADER_HEIGHT, isFilled: true, isLabel: true }),
      ],
    })
  }

  override component(shape: ThemaclusterShape) {
    return <Cluster shape={shape} />
  }

  override getIndicatorPath(shape: ThemaclusterShape) {
    const path = new Path2D()
    path.roundRect(0, 0, shape.props.w, shape.props.h, 14)
    return path
  }
}

function Cluster({ shape }: { shape: ThemaclusterShape }) {
  const editor = useEditor()
  const notes = useValue(
    'cluster notes',
    () => editor.getSortedChildIdsForParent(shape.id).map((id) => editor.getShape(id)).filter((s) => s?.type === 'note'),
    [editor, shape.id]
  )
  const totals = useValue('vote totals', () => totalsByNote(editor), [editor])
  const title = clusterTitle(shape.props.feeling, shape.props.need)
  return (
    <HTMLContainer className="sb-cluster" style={{ width: shape.props.w, height: shape.props.h }} aria-label={title}>
      <header className="sb-cluster__header">
        <span className="sb-cluster__title">{title}</span>
        <span className="sb-cluster__count" data-testid="cluster-count">
          {notes.length} {notes.length === 1 ? 'notitie' : 'notities'}
        </span>
      </header>
      {notes.map((note) =>
        note && totals[note.id] ? (
          <span key={note.id} className="sb-cluster__dots" style={{ left: note.x, top: note.y - 30 }} data-testid="vote-dots">
            {'●'.repeat(Math.min(totals[note.id], 12))} {totals[note.id]}
          </span>
        ) : null
      )}
    </HTMLContainer>
  )
}
