import { pseudonymiseTree, type Pseudonymiser } from '@samenbord/shared/werkvormen/verslag/pseudonymise'

/**
 * Replaces names in an exported SVG: parsed by the browser (so entities such as "&amp;" and
 * "&#74;" are plain text by then), changed in its text nodes and text attributes, serialised
 * again. Markup that does not parse is refused rather than exported with its names.
 */
export function pseudonymiseSvg(svg: string, names: Pseudonymiser): string {
  const document = new DOMParser().parseFromString(svg, 'image/svg+xml')
  if (document.getElementsByTagName('parsererror').length > 0) throw new Error('de afbeelding kon niet worden gelezen om de namen te vervangen')
  pseudonymiseTree(document.documentElement, names)
  return new XMLSerializer().serializeToString(document.documentElement)
}
