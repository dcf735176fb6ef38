/**
 * Validating what people type for an invitation: the recipient (by kind), the customer's accept
 * form, and an edited email draft (which must keep the personalized link). Errors are values:
 * every field error at once, `code` a locale key under `invitations.validation.`.
 */
import { z } from 'zod';
import { DOMAIN_NAME } from '../domainName.js';
import { MAX_DRAFT_LENGTH, type InvitationFieldError, type InvitationKind, type Recipient } from './model.js';

const text = (max: number) => z.string().trim().max(max, 'tooLong');
const email = z
  .string()
  .trim()
  .min(1, 'required')
  .max(254, 'emailInvalid')
  .pipe(z.email('emailInvalid'))
  .transform((e) => e.toLowerCase());
/** A DNS name with at least one dot, e.g. `fabrikam.com` or `fabrikam.onmicrosoft.com`. */
const domain = z
  .string()
  .trim()
  .min(1, 'required')
  .max(253, 'domainInvalid')
  .regex(DOMAIN_NAME, 'domainInvalid')
  .transform((d) => d.toLowerCase());

const partnershipRecipient = z.object({ email, name: text(100).optional(), company: text(200).optional() });
const customerRecipient = z.object({ email, name: text(100).optional(), company: text(200).min(1, 'required'), domain });

type Raw = Partial<Record<string, unknown>>;
const asText = (v: unknown) => (typeof v === 'string' ? v : '');
const optionalText = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

function fieldErrors<F extends InvitationFieldError['field']>(issues: z.core.$ZodIssue[], order: F[]): InvitationFieldError[] {
  const errors: InvitationFieldError[] = [];
  for (const field of order) {
    const issue = issues.find((i) => i.path[0] === field);
    if (issue) errors.push({ field, code: issue.message as InvitationFieldError['code'] });
  }
  return errors;
}

/**
 * Validates who an invitation goes to, from raw form input (strings or missing values).
 * Partnership: reseller contact email (required), name and company (optional). Customer kinds:
 * email, company and primary domain (required), name (optional). Returns every field error at once.
 */
export function validateRecipient(kind: InvitationKind, input: Raw): { ok: true; value: Recipient } | { ok: false; errors: InvitationFieldError[] } {
  const raw = { email: asText(input.email), name: optionalText(input.name), company: optionalText(input.company), domain: asText(input.domain) };
  if (kind === 'partnership') {
    const parsed = partnershipRecipient.safeParse(raw);
    if (parsed.success) return { ok: true, value: stripEmpty(parsed.data) };
    return { ok: false, errors: fieldErrors(parsed.error.issues, ['email', 'name', 'company']) };
  }
  const parsed = customerRecipient.safeParse({ ...raw, company: asText(input.company) });
  if (parsed.success) return { ok: true, value: stripEmpty(parsed.data) };
  return { ok: false, errors: fieldErrors(parsed.error.issues, ['company', 'domain', 'email', 'name']) };
}

function stripEmpty<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}

/** What a customer's global admin fills in on the accept page. */
export interface CustomerAcceptance {
  company: string;
  domain: string;
  name: string;
  email: string;
}

const customerAcceptanceSchema = z.object({
  company: text(200).min(1, 'required'),
  domain,
  name: text(100).min(1, 'required'),
  email,
  globalAdmin: z.literal(true, 'mustConfirm'),
  consent: z.literal(true, 'mustConfirm'),
});

/**
 * Validates the customer accept form: organization name, primary domain, the accepting person's
 * name and work email, and two ticks: "I'm a global admin of this organization" and consent.
 * Tick fields are true when the checkbox value is `on` or `true`.
 */
export function validateCustomerAcceptance(input: Raw): { ok: true; value: CustomerAcceptance } | { ok: false; errors: InvitationFieldError[] } {
  const ticked = (v: unknown) => v === 'on' || v === 'true' || v === true;
  const parsed = customerAcceptanceSchema.safeParse({
    company: asText(input.company),
    domain: asText(input.domain),
    name: asText(input.name),
    email: asText(input.email),
    globalAdmin: ticked(input.globalAdmin),
    consent: ticked(input.consent),
  });
  if (parsed.success) {
    const { company, domain: d, name, email: e } = parsed.data;
    return { ok: true, value: { company, domain: d, name, email: e } };
  }
  return { ok: false, errors: fieldErrors(parsed.error.issues, ['company', 'domain', 'name', 'email', 'globalAdmin', 'consent']) };
}

/**
 * Validates an edited email draft: not empty, at most {@link MAX_DRAFT_LENGTH} characters, and it
 * must still contain the personalized `link` (indirect-provider-tasks seed, "Connect with indirect
 * resellers" step 3: edit the text but keep the link).
 */
export function validateDraft(body: unknown, link: string): { ok: true; value: string } | { ok: false; errors: InvitationFieldError[] } {
  const value = typeof body === 'string' ? body.replace(/\r\n/g, '\n').trim() : '';
  if (!value) return { ok: false, errors: [{ field: 'draft', code: 'required' }] };
  if (value.length > MAX_DRAFT_LENGTH) return { ok: false, errors: [{ field: 'draft', code: 'tooLong' }] };
  if (!value.includes(link)) return { ok: false, errors: [{ field: 'draft', code: 'linkMissing' }] };
  return { ok: true, value };
}
