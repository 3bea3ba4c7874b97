/** Markdown and printable HTML of a verslag; both read the same model (verslag.ts). */
import type { Verslag, VerslagBlock } from './verslag.ts'

/** Characters that would otherwise start Markdown syntax inside a line or a table cell. */
function md(text: string): string {
  return text.replace(/([\\`*_[\]<|])/g, '\\$1').replace(/\r?\n/g, ' ')
}

function markdownBlock(block: VerslagBlock): string {
  switch (block.kind) {
    case 'paragraph':
      // Only at the start of a line do these begin a heading, quote or list.
      return md(block.text).replace(/^([#>+-]|\d+\.)/, '\\$1')
    case 'subheading':
      return `### ${md(block.text)}`
    case 'list':
      return block.items.map((item) => `- ${md(item)}`).join('\n')
    case 'table':
      return [
        `| ${block.columns.map(md).join(' | ')} |`,
        `| ${block.columns.map(() => '---').join(' | ')} |`,
        ...block.rows.map((row) => `| ${row.map((cell) => md(cell) || ' ').join(' | ')} |`),
      ].join('\n')
    case 'figure':
      return `_Afbeelding: ${md(block.caption)} (te zien in de HTML-versie van dit verslag)_`
  }
}

export function verslagToMarkdown(verslag: Verslag): string {
  const parts = [`# ${md(verslag.title)}`, verslag.facts.map(([label, value]) => `- **${md(label)}:** ${md(value)}`).join('\n')]
  for (const section of verslag.sections) {
    parts.push(`## ${md(section.heading)}`, ...section.blocks.map(markdownBlock))
  }
  parts.push('---', `_${md(verslag.footer)}_`)
  return `${parts.join('\n\n')}\n`
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

function htmlBlock(block: VerslagBlock): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p>${html(block.text)}</p>`
    case 'subheading':
      return `<h3>${html(block.text)}</h3>`
    case 'list':
      return `<ul>\n${block.items.map((item) => `  <li>${html(item)}</li>`).join('\n')}\n</ul>`
    case 'table':
      return [
        '<table>',
        `  <thead><tr>${block.columns.map((c) => `<th scope="col">${html(c)}</th>`).join('')}</tr></thead>`,
        '  <tbody>',
        ...block.rows.map((row) => `    <tr>${row.map((cell) => `<td>${html(cell)}</td>`).join('')}</tr>`),
        '  </tbody>',
        '</table>',
      ].join('\n')
    case 'figure':
      // Only data: URLs: the page's own CSP (img-src data:) would block anything else anyway.
      return block.src.startsWith('data:') ? `<figure><img src="${html(block.src)}" alt="${html(block.caption)}"><figcaption>${html(block.caption)}</figcaption></figure>` : ''
  }
}

// Print-first: A4 with margins, tables that break between rows, no colours needed to read it.
const STYLE = `
  body { font: 11pt/1.45 system-ui, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; }
  h1 { font-size: 1.7rem; margin-bottom: .5rem; }
  h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 2px solid #4c3d99; padding-bottom: .2rem; }
  h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0 0 1rem; }
  dl.facts dt { font-weight: 600; }
  dl.facts dd { margin: 0; }
  table { border-collapse: collapse; width: 100%; font-size: .92em; }
  th, td { border: 1px solid #b9b4cc; padding: .35rem .45rem; text-align: left; vertical-align: top; }
  th { background: #efedf7; }
  tr { break-inside: avoid; }
  figure { margin: 1rem 0; break-inside: avoid; }
  figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
  figcaption { font-size: .9em; color: #444; }
  footer { margin-top: 2.5rem; font-size: .9em; color: #444; border-top: 1px solid #ccc; padding-top: .6rem; }
  @page { size: A4; margin: 16mm; }
  @media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
`

/**
 * A self-contained HTML page: no scripts, no external requests, styles inline, so it prints to
 * PDF the same anywhere and can be filed as is.
 */
export function verslagToHtml(verslag: Verslag): string {
  const body = [
    `<h1>${html(verslag.title)}</h1>`,
    `<dl class="facts">\n${verslag.facts.map(([label, value]) => `  <dt>${html(label)}</dt><dd>${html(value)}</dd>`).join('\n')}\n</dl>`,
    ...verslag.sections.map((section) => `<section id="${html(section.id)}">\n<h2>${html(section.heading)}</h2>\n${section.blocks.map(htmlBlock).join('\n')}\n</section>`),
    `<footer>${html(verslag.footer)}</footer>`,
  ]
  return `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${html(verslag.title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`
}
