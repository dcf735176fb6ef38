import { z } from 'zod';
import { findCountryCode, isCountryCode } from './countries.js';
import { isWebmailAddress } from './webmail.js';

/**
 * The partner details reviewed on the enrollment form before selecting Enroll now.
 * Source: transition seed, "Get started" step 3; seed 003 "Before you begin" (legal business name,
 * primary contact) and step 8 (no webmail for the primary contact).
 */
export interface EnrollmentDetails {
  /** Legal business name, 2-200 characters, trimmed. */
  legalName: string;
  /** PartnerID (called MPN ID until 2022): digits only, 4-10 of them. */
  partnerId: string;
  /** ISO 3166-1 alpha-2 country/region of the organization profile, e.g. `DE`. */
  country: string;
  /** Primary contact's work email; approval notices go here. Webmail is refused. */
  primaryContactEmail: string;
}

/** Field-level error as a value: `code` is a locale key under `validation.`, e.g. `partnerIdDigits`. */
export interface FieldError {
  field: keyof EnrollmentDetails;
  code: 'required' | 'legalNameLength' | 'partnerIdDigits' | 'countryUnknown' | 'emailInvalid' | 'emailWebmail';
}

const detailsSchema = z.object({
  legalName: z
    .string()
    .trim()
    .min(1, 'required')
    .refine((s) => s.length >= 2 && s.length <= 200, 'legalNameLength'),
  partnerId: z
    .string()
    .trim()
    .min(1, 'required')
    .regex(/^\d{4,10}$/, 'partnerIdDigits'),
  country: z
    .string()
    .trim()
    .min(1, 'required')
    // a code ("DE"), or a name in any of the four languages as a text box shows it ("Deutschland")
    .transform((c) => findCountryCode(c) ?? c)
    .refine((c) => isCountryCode(c), 'countryUnknown')
    .transform((c) => c.toUpperCase()),
  primaryContactEmail: z
    .string()
    .trim()
    .min(1, 'required')
    .max(254, 'emailInvalid')
    .pipe(z.email('emailInvalid'))
    .refine((e) => !isWebmailAddress(e), 'emailWebmail')
    .transform((e) => e.toLowerCase()),
});

/**
 * Validates raw form input (strings or missing values) into {@link EnrollmentDetails}.
 * Missing/non-string fields count as empty. Returns every field error at once (errors as values,
 * never throws), in form order, at most one per field.
 */
export function validateEnrollmentDetails(
  input: Partial<Record<keyof EnrollmentDetails, unknown>>,
): { ok: true; value: EnrollmentDetails } | { ok: false; errors: FieldError[] } {
  const asText = (v: unknown) => (typeof v === 'string' ? v : '');
  const parsed = detailsSchema.safeParse({
    legalName: asText(input.legalName),
    partnerId: asText(input.partnerId),
    country: asText(input.country),
    primaryContactEmail: asText(input.primaryContactEmail),
  });
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: FieldError[] = [];
  const order: Array<keyof EnrollmentDetails> = ['legalName', 'partnerId', 'country', 'primaryContactEmail'];
  for (const field of order) {
    const issue = parsed.error.issues.find((i) => i.path[0] === field);
    if (issue) errors.push({ field, code: issue.message as FieldError['code'] });
  }
  return { ok: false, errors };
}
