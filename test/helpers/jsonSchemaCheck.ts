/**
 * A small JSON Schema (draft 7) checker for the keywords lnsim's generated schemas use: type, properties,
 * required, additionalProperties, propertyNames, items, anyOf, enum, const, pattern, minimum, maximum,
 * exclusiveMinimum. A keyword it does not know fails the check, so a schema that outgrows it cannot pass by being
 * half read.
 */
type Schema = Record<string, unknown>

const KNOWN = new Set([
  '$schema',
  'title',
  'description',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'anyOf',
  'enum',
  'const',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'propertyNames',
])

function typeOf(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number'
  return typeof v
}

/** Every place `value` breaks `schema`, as `path: why`; empty when it conforms. */
export function jsonSchemaErrors(schema: Schema, value: unknown, path = '$'): string[] {
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) return [`${path}: the checker does not know keyword ${k}`]
  const errors: string[] = []
  const t = typeOf(value)
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string]
    if (!types.some((x) => x === t || (x === 'number' && t === 'integer')))
      return [`${path}: is ${t}, not ${types.join(' or ')}`]
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) errors.push(`${path}: not one of the enum`)
  if ('const' in schema && schema.const !== value) errors.push(`${path}: not ${JSON.stringify(schema.const)}`)
  if (typeof value === 'string' && typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value))
    errors.push(`${path}: does not match ${schema.pattern}`)
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${path}: below ${schema.minimum}`)
    if (typeof schema.maximum === 'number' && value > schema.maximum) errors.push(`${path}: above ${schema.maximum}`)
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum)
      errors.push(`${path}: not above ${schema.exclusiveMinimum}`)
  }
  if (schema.anyOf) {
    const branches = (schema.anyOf as Schema[]).map((s) => jsonSchemaErrors(s, value, path))
    if (!branches.some((b) => b.length === 0)) errors.push(`${path}: matches no anyOf branch (${branches.flat()[0]})`)
  }
  if (t === 'array' && schema.items)
    (value as unknown[]).forEach((v, i) => errors.push(...jsonSchemaErrors(schema.items as Schema, v, `${path}[${i}]`)))
  if (t === 'object') {
    const obj = value as Record<string, unknown>
    const props = (schema.properties ?? {}) as Record<string, Schema>
    for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) errors.push(`${path}: lacks ${r}`)
    for (const [k, v] of Object.entries(obj)) {
      if (schema.propertyNames) errors.push(...jsonSchemaErrors(schema.propertyNames as Schema, k, `${path} key ${k}`))
      if (props[k]) errors.push(...jsonSchemaErrors(props[k]!, v, `${path}.${k}`))
      else if (schema.additionalProperties === false) errors.push(`${path}: has unexpected ${k}`)
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
        errors.push(...jsonSchemaErrors(schema.additionalProperties as Schema, v, `${path}.${k}`))
    }
  }
  return errors
}
