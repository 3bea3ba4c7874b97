import type { TLAssetStore } from 'tldraw'

/**
 * Pictures live inside the board document (as data URLs), so a pasted picture travels as one
 * update and the relay refuses updates above its message limit (4413, and the picture is lost).
 * This store makes a picture fit: as it is when it does, else redrawn smaller as JPEG (on white:
 * JPEG has no transparency) until it fits. A file that cannot be made to fit is refused before it
 * is sent; tldraw then says the upload failed.
 */

/** Room for the asset record around its data URL and the sync framing. */
const RECORD_OVERHEAD_BYTES = 16 * 1024
/** The relay's default MAX_MESSAGE_BYTES, for when the client configuration could not be read. */
const DEFAULT_MAX_MESSAGE_BYTES = 2 * 1024 * 1024
const SCALES = [1, 0.75, 0.55, 0.4, 0.3, 0.22, 0.16, 0.12]
const JPEG_QUALITY = 0.82
/** Formats a canvas can redraw without losing what makes them what they are (not GIF's frames, not SVG). */
const REDRAWABLE = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/bmp', 'image/avif'])

function readAsDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(reader.result as string)
    reader.onerror = () => reject(reader.error ?? new Error('bestand kon niet gelezen worden'))
    reader.readAsDataURL(blob)
  })
}

async function redrawn(bitmap: ImageBitmap, scale: number): Promise<Blob | null> {
  const canvas = document.createElement('canvas')
  canvas.width = Math.max(1, Math.round(bitmap.width * scale))
  canvas.height = Math.max(1, Math.round(bitmap.height * scale))
  const context = canvas.getContext('2d')
  if (!context) return null
  context.fillStyle = '#ffffff'
  context.fillRect(0, 0, canvas.width, canvas.height)
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY))
}

/** `maxMessageBytes()`: the relay's limit as the client configuration gives it (0: unknown). */
export function boundedInlineAssetStore(maxMessageBytes: () => number): TLAssetStore {
  return {
    async upload(_asset, file) {
      // A data URL is ASCII: its length is its size in the update.
      const budget = (maxMessageBytes() || DEFAULT_MAX_MESSAGE_BYTES) - RECORD_OVERHEAD_BYTES
      const original = await readAsDataUrl(file)
      if (original.length <= budget) return { src: original }
      if (!REDRAWABLE.has(file.type)) throw new Error(`${file.name} is te groot voor het bord`)
      const bitmap = await createImageBitmap(file)
      try {
        for (const scale of SCALES) {
          const blob = await redrawn(bitmap, scale)
          if (blob === null) break
          const src = await readAsDataUrl(blob)
          if (src.length <= budget) return { src }
        }
      } finally {
        bitmap.close()
      }
      throw new Error(`${file.name} is te groot voor het bord, ook verkleind`)
    },
  }
}
