/**
 * The `9` field: features the payee supports or requires for this payment, in
 * BOLT #9's bit numbering. A payer fails an invoice that requires (sets the even
 * bit of) a feature it does not know, and ignores unknown odd bits.
 */
import { featureBits, hasFeatureBit, listFeatureBits } from '../wire/features.js'
import { InvoiceError } from './errors.js'

// the bit-level helpers, for callers above the wire layer (the CLI)
export { hasFeatureBit, listFeatureBits }

/** The BOLT #9 features with context `9` that lnsim understands in an invoice, as [required, optional] bits. */
export const INVOICE_FEATURE_BITS = {
  var_onion_optin: [8, 9],
  payment_secret: [14, 15],
  basic_mpp: [16, 17],
  option_payment_metadata: [48, 49],
} as const satisfies Record<string, readonly [number, number]>

export type InvoiceFeatureName = keyof typeof INVOICE_FEATURE_BITS

const KNOWN_BITS = new Set<number>(Object.values(INVOICE_FEATURE_BITS).flat())

/** BOLT #9 "Dependencies" column, for the features above. */
const DEPENDENCIES: Partial<Record<InvoiceFeatureName, readonly InvoiceFeatureName[]>> = {
  basic_mpp: ['payment_secret'],
}

/**
 * What lnsim puts in its invoices unless told otherwise: var_onion_optin and payment_secret, required (as the BOLT #11
 * examples do).
 */
export const DEFAULT_INVOICE_FEATURES: Uint8Array = featureBits(
  INVOICE_FEATURE_BITS.var_onion_optin[0],
  INVOICE_FEATURE_BITS.payment_secret[0],
)

/** Offered, as required or optional. */
export function hasInvoiceFeature(features: Uint8Array, name: InvoiceFeatureName): boolean {
  return INVOICE_FEATURE_BITS[name].some((bit) => hasFeatureBit(features, bit))
}

/** Throws unless a payer that knows only INVOICE_FEATURE_BITS may pay an invoice with these features. */
export function checkInvoiceFeatures(features: Uint8Array): void {
  const unknownRequired = listFeatureBits(features).filter((bit) => bit % 2 === 0 && !KNOWN_BITS.has(bit))
  if (unknownRequired.length > 0) {
    throw new InvoiceError(
      'UNKNOWN_REQUIRED_FEATURE',
      `the invoice requires feature bit${unknownRequired.length > 1 ? 's' : ''} ${unknownRequired.join(', ')}, ` +
        'which lnsim does not support: it cannot pay it',
      { bits: unknownRequired },
    )
  }
  for (const [name, needs] of Object.entries(DEPENDENCIES) as Array<
    [InvoiceFeatureName, readonly InvoiceFeatureName[]]
  >) {
    if (!hasInvoiceFeature(features, name)) continue
    const missing = needs.filter((dep) => !hasInvoiceFeature(features, dep))
    if (missing.length > 0)
      throw new InvoiceError(
        'MISSING_FEATURE_DEPENDENCY',
        `the invoice offers ${name} without ${missing.join(' and ')}, which it depends on (BOLT #9)`,
        { feature: name, missing },
      )
  }
}
