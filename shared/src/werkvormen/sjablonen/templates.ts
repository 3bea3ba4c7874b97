/**
 * Frame contents for templates. Prompts are our own wording; the theme names follow the
 * "spelregels voor spelregels" worksheet the teams know.
 */

export interface SpelregelsTheme {
  number: number
  title: string
  /** Question the team answers to agree its own rule on this theme. */
  prompt: string
}

export const SPELREGELS_THEMES: readonly SpelregelsTheme[] = [
  {
    number: 0,
    title: 'Subjectief maar herkenbaar',
    prompt: 'Wanneer is een portret af voor ons? Wie moet zich erin herkennen voordat we verder gaan?',
  },
  {
    number: 1,
    title: 'Veiligheid en vertrouwen',
    prompt: 'Wat hebben we nodig om hier eerlijk te kunnen zijn, ook over wat we niet weten?',
  },
  {
    number: 2,
    title: 'Openheid en schaamte',
    prompt: 'Hoe zorgen we dat iemand kan vertellen zonder zich beoordeeld te voelen?',
  },
  {
    number: 3,
    title: 'Autonomie, macht en keuzes',
    prompt: 'Welke machtsverschillen zitten er aan tafel, en hoe geven we de jongere zelf zeggenschap over zijn of haar verhaal?',
  },
  {
    number: 4,
    title: 'Plek en sfeer',
    prompt: 'Waar en hoe zitten we, zodat het gesprek klopt bij wie er is?',
  },
  {
    number: 5,
    title: 'Verwachtingen',
    prompt: 'Wat verwacht ieder van deze bijeenkomst, welke rol heeft iedereen, en bedoelen we hetzelfde met onze woorden?',
  },
]

export interface TeamSlot {
  number: number
  /** Suggested role for the slot; the team writes the actual name next to it. */
  hint: string
}

/** The numbered team list (1–8). The first four hint at who usually belongs in the team. */
export const SPELREGELS_TEAM_SLOTS: readonly TeamSlot[] = [
  { number: 1, hint: 'De jongere' },
  { number: 2, hint: 'Ouder(s) of iemand uit het netwerk' },
  { number: 3, hint: 'Mentor of leerkracht' },
  { number: 4, hint: 'Wie de zorg rond de jongere coördineert' },
  { number: 5, hint: '' },
  { number: 6, hint: '' },
  { number: 7, hint: '' },
  { number: 8, hint: '' },
]

export interface SpelregelsTemplate {
  title: string
  intro: string
  themes: readonly SpelregelsTheme[]
  teamTitle: string
  teamSlots: readonly TeamSlot[]
  /** Whether each team member is always there or only sometimes. */
  presenceOptions: readonly string[]
}

export function spelregelsTemplate(): SpelregelsTemplate {
  return {
    title: 'Onze spelregels',
    intro: 'Spreek samen af hoe jullie werken, voordat je inhoudelijk begint. Er is geen goed of fout.',
    themes: SPELREGELS_THEMES,
    teamTitle: 'Wie zitten er in ons team?',
    teamSlots: SPELREGELS_TEAM_SLOTS,
    presenceOptions: ['Altijd', 'Soms'],
  }
}

export const PORTRAIT_SECTION_IDS = ['verhaal', 'citaten', 'typische-dag', 'observaties', 'herkenbaar'] as const
export type PortraitSectionId = (typeof PORTRAIT_SECTION_IDS)[number]

export interface PortraitSection {
  id: PortraitSectionId
  title: string
  prompt: string
}

/** Sections of the leefwereldportret frame, in board order (left to right). */
export const LEEFWERELDPORTRET_SECTIONS: readonly PortraitSection[] = [
  { id: 'verhaal', title: 'Het verhaal', prompt: 'Een voorval of korte geschiedenis die laat zien wat deze persoon meemaakt.' },
  { id: 'citaten', title: 'Citaten', prompt: 'Letterlijke woorden van de persoon zelf, tussen aanhalingstekens.' },
  { id: 'typische-dag', title: 'Een gewone dag', prompt: 'Hoe ziet een doordeweekse dag eruit, van opstaan tot slapen?' },
  { id: 'observaties', title: 'Wat we zagen en voelden', prompt: 'Wat viel op in gedrag, houding of gezicht, ook wat niet gezegd werd?' },
  { id: 'herkenbaar', title: 'Herkenbaar?', prompt: 'Laat het portret zien aan wie het gaat. Herkent hij of zij zich erin?' },
]

/** Answers for the "Herkenbaar?" check, filled in by the person portrayed. */
export const RECOGNITION_ANSWERS = ['Ja, dat ben ik!', 'Deels', 'Nog niet'] as const
export type RecognitionAnswer = (typeof RECOGNITION_ANSWERS)[number]
