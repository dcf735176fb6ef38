/**
 * Validating one customer as typed on a card or read from a CSV row: company name, primary domain
 * and optional Microsoft Entra tenant ID. Errors are values (stable codes the UI translates).
 */
import { z } from 'zod';
import { DOMAIN_NAME } from '../domainName.js';

/** A validated customer as typed on a card or read from a CSV row. */
export interface CustomerInput {
  name: string;
  domain: string;
  tenantId?: string;
}

/** Field-level error: `code` is a stable id the UI translates. */
export interface CustomerFieldError {
  field: 'name' | 'domain' | 'tenantId';
  code: 'required' | 'tooLong' | 'domainInvalid' | 'tenantIdInvalid';
}

/** Longest customer name, in characters (after trimming and collapsing whitespace). */
export const MAX_CUSTOMER_NAME = 200;

/** A GUID, 8-4-4-4-12 hex digits, any case, no braces. */
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const customerSchema = z.object({
  name: z
    .string()
    .transform((s) => s.replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(1, 'required').max(MAX_CUSTOMER_NAME, 'tooLong')),
  domain: z
    .string()
    .trim()
    .min(1, 'required')
    .transform((d) => d.replace(/^https?:\/\//i, '').replace(/\/$/, ''))
    .pipe(z.string().regex(DOMAIN_NAME, 'domainInvalid'))
    .transform((d) => d.toLowerCase()),
  tenantId: z
    .string()
    .trim()
    .refine((t) => t === '' || GUID_RE.test(t), 'tenantIdInvalid')
    .transform((t) => t.toLowerCase()),
});

const asText = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * Validates raw input (strings or missing values; anything else counts as empty) into a
 * {@link CustomerInput}. Returns every field error at once, at most one per field, in the order
 * name, domain, tenantId; never throws.
 * - `name`: required, whitespace runs (including newlines) collapsed to one space, trimmed, at most
 *   {@link MAX_CUSTOMER_NAME} characters (`tooLong`).
 * - `domain`: required; a leading `http://` or `https://` and one trailing `/` are stripped (a
 *   pasted URL), then it must be a DNS name with at least one dot (`domainInvalid`: `fabrikam`,
 *   `fabrikam..com`, `fabrikam.com/path`, an email address); lower-cased. Decided: `www.` is kept
 *   (it is a different name, not guessed away) and a trailing `.` is refused as `domainInvalid`
 *   (not a form Partner Center shows; usually a sentence's full stop copied along).
 * - `tenantId`: optional Microsoft Entra tenant ID, a GUID `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`
 *   (hex, any case, no braces) else `tenantIdInvalid`; lower-cased; blank means absent.
 */
export function validateCustomerInput(raw: Partial<Record<string, unknown>>): { ok: true; value: CustomerInput } | { ok: false; errors: CustomerFieldError[] } {
  const parsed = customerSchema.safeParse({ name: asText(raw.name), domain: asText(raw.domain), tenantId: asText(raw.tenantId) });
  if (parsed.success) {
    const { name, domain, tenantId } = parsed.data;
    return { ok: true, value: tenantId ? { name, domain, tenantId } : { name, domain } };
  }
  const errors: CustomerFieldError[] = [];
  for (const field of ['name', 'domain', 'tenantId'] as const) {
    const issue = parsed.error.issues.find((i) => i.path[0] === field);
    if (issue) errors.push({ field, code: issue.message as CustomerFieldError['code'] });
  }
  return { ok: false, errors };
}
