/**
 * A labelled <select> over a fixed list of values, the shape most werkvorm form fields take.
 * `empty` adds a "—" choice that stands for "none" (the empty string).
 */
export function LabelledSelect<V extends string>({
  id,
  label,
  value,
  values,
  labelOf,
  onChange,
  empty = false,
}: {
  id: string
  label: string
  value: V | ''
  values: readonly V[]
  labelOf(value: V): string
  onChange(value: V | ''): void
  empty?: boolean
}) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as V | '')}>
        {empty && <option value="">—</option>}
        {values.map((v) => (
          <option key={v} value={v}>
            {labelOf(v)}
          </option>
        ))}
      </select>
    </>
  )
}
