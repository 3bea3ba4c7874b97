import type { GenogramRelation, PersonSymbolProps } from '../genogram/relations.ts'
import type { Person } from '../personen/person.ts'
import type { ClusterFrameProps } from '../themaclusters/clusters.ts'
import type { Votes } from '../themaclusters/votes.ts'
import type { EpistemicTag, EventCategory, EventSource } from '../tijdlijn/categories.ts'
import type { DateSpec } from '../tijdlijn/dates.ts'
import { type TimelineEventProps, type TimelineGapProps, type TimelineProps, newEventProps } from '../tijdlijn/events.ts'
import { defaultLaneFor } from '../tijdlijn/lanes.ts'

/**
 * A made-up family for demos and screenshots. Every name and detail is invented; it borrows
 * only the kind of situation from the sources, never their people.
 */
export interface DemoCase {
  title: string
  persons: Person[]
  indexPersonId: string
  relations: GenogramRelation[]
  /** Person symbols keyed by shape-like ids ("sym-<person>"). */
  symbols: { id: string; props: PersonSymbolProps }[]
  timeline: TimelineProps
  events: { id: string; props: TimelineEventProps }[]
  gaps: { id: string; props: TimelineGapProps }[]
  clusters: { id: string; props: ClusterFrameProps; notes: { id: string; text: string }[] }[]
  votes: Votes
}

function person(id: string, name: string, relation: string, gender: Person['gender'], birthYear: number | null, kind: Person['kind'], extra: Partial<Person> = {}): Person {
  return { id, name, relation, gender, birthYear, deceased: false, deathYear: null, kind, organisation: '', ...extra }
}

// Fixed moments (ms) so the demo is identical on every run.
const SESSION = Date.UTC(2026, 9, 14, 9, 30)

export function demoCase(): DemoCase {
  const persons: Person[] = [
    person('p-gerrit', 'Gerrit Mulder', 'opa (moederskant)', 'man', 1951, 'gezin', { deceased: true, deathYear: 2017 }),
    person('p-ria', 'Ria Mulder', 'oma (moederskant)', 'vrouw', 1954, 'gezin'),
    person('p-hennie', 'Hennie Kuipers', 'oma (vaderskant)', 'vrouw', 1957, 'gezin'),
    person('p-dennis', 'Dennis Kuipers', 'vader', 'man', 1980, 'gezin'),
    person('p-sanne', 'Sanne Mulder', 'moeder', 'vrouw', 1983, 'gezin'),
    person('p-youssef', 'Youssef Amrani', 'nieuwe partner van moeder', 'man', 1981, 'gezin'),
    person('p-daan', 'Daan Kuipers', 'broer', 'man', 2009, 'gezin'),
    person('p-lotte', 'Lotte Kuipers', 'jongere', 'vrouw', 2012, 'gezin'),
    person('p-mila', 'Mila Amrani', 'halfzus', 'vrouw', 2020, 'gezin'),
    person('p-tineke', 'Tineke Bos', 'buurvrouw van oma Ria', 'vrouw', 1952, 'netwerk'),
    person('p-kevin', 'Kevin Hoekstra', 'voetbaltrainer', 'man', 1994, 'netwerk'),
    person('p-mentor', 'Yara Peeters', 'mentor', 'vrouw', 1988, 'professional', { organisation: 'Vaartcollege' }),
    person('p-wijkteam', 'Joost de Graaf', 'gezinscoach', 'man', 1975, 'professional', { organisation: 'Wijkteam Oost' }),
    person('p-jeugdbescherming', 'Ilse Verbeek', 'jeugdbeschermer', 'vrouw', 1986, 'professional', { organisation: 'Jeugdbescherming' }),
    person('p-huisarts', 'Peter Smeets', 'huisarts', 'man', 1968, 'professional', { organisation: 'Huisartsenpraktijk De Linde' }),
  ]

  const rel = (id: string, relationType: GenogramRelation['relationType'], kind: GenogramRelation['kind'], from: string, to: string): GenogramRelation => ({
    id, relationType, kind, from, to, twin: false,
  })
  const relations: GenogramRelation[] = [
    rel('r-grootouders', 'koppel', 'gehuwd', 'p-gerrit', 'p-ria'),
    rel('r-ouders', 'koppel', 'gescheiden', 'p-dennis', 'p-sanne'),
    rel('r-nieuw', 'koppel', 'samenwonend', 'p-youssef', 'p-sanne'),
    rel('k-sanne', 'kind', 'biologisch', 'r-grootouders', 'p-sanne'),
    rel('k-dennis', 'kind', 'biologisch', 'p-hennie', 'p-dennis'),
    rel('k-daan', 'kind', 'biologisch', 'r-ouders', 'p-daan'),
    rel('k-lotte', 'kind', 'biologisch', 'r-ouders', 'p-lotte'),
    rel('k-mila', 'kind', 'biologisch', 'r-nieuw', 'p-mila'),
    rel('e-lotte-ria', 'emotioneel', 'close', 'p-lotte', 'p-ria'),
    rel('e-ouders', 'emotioneel', 'conflict', 'p-dennis', 'p-sanne'),
    rel('e-lotte-dennis', 'emotioneel', 'afstandelijk', 'p-lotte', 'p-dennis'),
    rel('e-daan-youssef', 'emotioneel', 'verbroken', 'p-daan', 'p-youssef'),
    rel('n-tineke-ria', 'ecomap', 'steun', 'p-tineke', 'p-ria'),
    rel('n-kevin-lotte', 'ecomap', 'sterk', 'p-kevin', 'p-lotte'),
    rel('n-mentor-lotte', 'ecomap', 'zwak', 'p-mentor', 'p-lotte'),
    rel('n-wijkteam-sanne', 'ecomap', 'stressvol', 'p-wijkteam', 'p-sanne'),
    rel('n-jb-lotte', 'ecomap', 'steun', 'p-jeugdbescherming', 'p-lotte'),
    rel('n-huisarts-sanne', 'ecomap', 'zwak', 'p-huisarts', 'p-sanne'),
  ]

  const symbols = persons.map((p) => ({
    id: `sym-${p.id.slice(2)}`,
    props: { personId: p.id, w: 60, h: 60, isIndex: p.id === 'p-lotte', variant: 'persoon' as const },
  }))

  const timeline: TimelineProps = {
    w: 19 * 160,
    h: 900,
    title: 'Geschiedenis op een rij: Lotte',
    lanePreset: 'professionals-gezin',
    lanesSwapped: false,
    startYear: 2008,
    endYear: 2027,
    pixelsPerYear: 160,
  }

  const event = (
    id: string,
    date: DateSpec,
    category: EventCategory,
    tag: EpistemicTag,
    source: EventSource,
    text: string,
    extra: Partial<TimelineEventProps> = {},
  ) => ({ id, props: newEventProps({ date, category, tag, source, text, lane: defaultLaneFor(timeline.lanePreset, source, category), ...extra }) })

  const fromFamily = (personId: string, origin: EventSource['origin']): EventSource => ({ personId, side: 'gezin', origin })
  const fromProfessional = (personId: string, origin: EventSource['origin']): EventSource => ({ personId, side: 'professional', origin })

  const events = [
    event('e-geboorte-lotte', { kind: 'exact', year: 2012, month: 4, day: 3 }, 'gezinsgebeurtenis', 'feit', fromFamily('p-sanne', 'dossier'), 'Lotte wordt geboren.'),
    event('e-opa-overleden', { kind: 'year', year: 2017 }, 'gezinsgebeurtenis', 'feit', fromFamily('p-ria', 'interview'), 'Opa Gerrit overlijdt na een korte ziekte.'),
    event('e-scheiding', { kind: 'approx', year: 2018, month: 7 }, 'gezinsgebeurtenis', 'feit', fromFamily('p-sanne', 'interview'), 'Sanne en Dennis gaan uit elkaar. Daan en Lotte blijven bij hun moeder wonen.'),
    event('e-moeder-huisarts', { kind: 'month', year: 2018, month: 11 }, 'uitspraak-behoefte', 'emotie', fromFamily('p-sanne', 'dossier'), 'Sanne tegen de huisarts: "Ik sta er alleen voor en ik slaap niet meer. Ik heb iemand nodig die meedenkt."'),
    event('e-lotte-bij-oma', { kind: 'age', personId: 'p-lotte', age: 9 }, 'uitspraak-beleving', 'emotie', fromFamily('p-lotte', 'interview'), 'Lotte: "Bij oma Ria kon ik gewoon mezelf zijn. Thuis was het altijd onrustig."'),
    event('e-school-wijkteam', { kind: 'month', year: 2022, month: 3 }, 'cruciaal-contact', 'aanname', fromProfessional('p-mentor', 'dossier'), 'De mentor belt het wijkteam over Lottes verzuim. School gaat ervan uit dat het thuis niet goed gaat.'),
    event('e-start-begeleiding', { kind: 'exact', year: 2022, month: 9, day: 12 }, 'beslismoment', 'feit', fromProfessional('p-wijkteam', 'dossier'), 'Start gezinsbegeleiding vanuit het wijkteam.', {
      cruciaal: { namedBy: 'Sanne (moeder)', at: SESSION + 20 * 60_000 },
    }),
    event('e-overdracht', { kind: 'month', year: 2024, month: 2 }, 'cruciaal-contact', 'mening', fromProfessional('p-wijkteam', 'dossier'), 'Overdracht van wijkteam naar jeugdbescherming. In het verslag staat dat moeder onvoldoende meewerkt.', {
      contested: { by: 'Sanne (moeder)', counterStatement: 'Ik heb elke afspraak die ik niet kon halen op tijd afgezegd. Er werd alleen nooit teruggebeld.' },
    }),
    event('e-jb-school', { kind: 'approx', year: 2024, month: 4 }, 'cruciaal-contact', 'interpretatie', fromProfessional('p-jeugdbescherming', 'live'), 'Jeugdbeschermer en mentor spreken af: het verzuim komt volgens hen vooral door de spanning tussen de ouders.'),
    event('e-ots', { kind: 'exact', year: 2024, month: 6, day: 5 }, 'beslismoment', 'feit', fromProfessional('p-jeugdbescherming', 'dossier'), 'De kinderrechter spreekt een ondertoezichtstelling uit voor Lotte.'),
    event('e-lotte-gesprekken', { kind: 'approx', year: 2024, month: 10 }, 'uitspraak-beleving', 'emotie', fromFamily('p-lotte', 'interview'), 'Lotte: "Ik zat bij zoveel gesprekken, maar het voelde alsof het over iemand anders ging."'),
    event('e-voetbal', { kind: 'month', year: 2025, month: 4 }, 'gezinsgebeurtenis', 'feit', { personId: 'p-kevin', side: 'anders', origin: 'live' }, 'Lotte gaat weer naar voetbal. Trainer Kevin haalt haar op zaterdag op.', {
      omslagpunt: { namedBy: 'Lotte', at: SESSION + 45 * 60_000 },
    }),
    event('e-lotte-behoefte', { kind: 'month', year: 2025, month: 9 }, 'uitspraak-behoefte', 'mening', fromFamily('p-lotte', 'live'), 'Lotte: "Ik wil één vast iemand die ik kan bellen als het misgaat."'),
  ]
  const contested = events.find((e) => e.id === 'e-overdracht')!
  events.push({
    id: 'e-overdracht-tegen',
    props: newEventProps({
      date: contested.props.date,
      category: 'uitspraak-behoefte',
      tag: 'mening',
      source: fromFamily('p-sanne', 'live'),
      text: contested.props.contested!.counterStatement,
      lane: 'onder',
      counterOf: 'e-overdracht',
    }),
  })

  const gaps = [
    {
      id: 'g-na-scheiding',
      props: {
        w: 3 * 160,
        h: 60,
        from: { kind: 'year', year: 2019 } as DateSpec,
        to: { kind: 'year', year: 2021 } as DateSpec,
        note: 'Wat speelde er tussen de scheiding en het eerste telefoontje van school?',
        namedBy: 'Facilitator',
      },
    },
  ]

  const cluster = (id: string, feeling: string, need: string, notes: string[]) => ({
    id,
    props: { w: 420, h: 320, feeling, need },
    notes: notes.map((text, index) => ({ id: `${id}-n${index + 1}`, text })),
  })
  const clusters = [
    cluster('c-onzekerheid', 'onzekerheid', 'duidelijkheid', [
      'Lotte weet vaak niet wie er de volgende keer aan tafel zit',
      'Sanne hoort besluiten pas achteraf',
    ]),
    cluster('c-eenzaamheid', 'eenzaamheid', 'verlangen naar verbondenheid', [
      'Sinds opa er niet meer is, komt Lotte minder bij oma',
      'Daan is bijna altijd bij zijn vader',
    ]),
    cluster('c-machteloosheid', 'machteloosheid', 'controle of invloed', [
      'Sanne: wat ik ook zeg, het verslag blijft staan',
      'De mentor kan vanuit school alleen signaleren',
    ]),
  ]

  const votes: Votes = {
    'deelnemer-1': { 'c-onzekerheid-n1': 2, 'c-machteloosheid-n1': 1 },
    'deelnemer-2': { 'c-onzekerheid-n1': 1, 'c-eenzaamheid-n1': 2 },
  }

  return { title: 'Lotte (14) en haar gezin', persons, indexPersonId: 'p-lotte', relations, symbols, timeline, events, gaps, clusters, votes }
}

