/**
 * The customer list as a CSV file for a spreadsheet, with labels in the user's language; the
 * export imports again (its localized headers are accepted as column aliases by the import).
 */
import { stringify } from 'csv-stringify/sync';
import type { Invitation } from '../invitations.js';
import { moveInvitationsByDomain, moveStatusFrom } from './moves.js';
import type { CustomerRecord } from './record.js';
import { byName } from './views.js';

/** The columns of {@link customersCsv}, in order; header labels are `customers.csv.<column>`. */
export const CUSTOMER_CSV_COLUMNS = ['name', 'domain', 'tenantId', 'class', 'provider', 'basis', 'classifiedBy', 'classifiedAt', 'moveStatus'] as const;

/**
 * The customer list as CSV for a spreadsheet: a header row (labels `customers.csv.<column>` for
 * {@link CUSTOMER_CSV_COLUMNS}) and one row per customer, sorted like `listCustomers(record, 'all')`.
 * Cells: name, domain, tenant ID, class (`customers.class.<class>`), provider name, basis
 * (`customers.basis.<basis>` or blank), classified by (name, else id), classified at (ISO instant),
 * move status (`customers.move.<state>` for direct bill customers and basis `moved`, else blank).
 * Written with csv-stringify: CRLF line ends, no BOM, quotes only where needed; a cell starting
 * with `=`, `+`, `-`, `@`, tab or CR (or their full-width forms) gets a leading `'` so a
 * spreadsheet does not run it as a formula (csv-stringify `escape_formulas`).
 */
export function customersCsv(record: CustomerRecord, invitations: Invitation[], now: Date, label: (key: string) => string): string {
  const byDomain = moveInvitationsByDomain(invitations);
  const rows: string[][] = [CUSTOMER_CSV_COLUMNS.map((c) => label(`customers.csv.${c}`))];
  for (const c of record.customers.slice().sort(byName)) {
    const showMove = c.class === 'directBill' || c.basis === 'moved';
    rows.push([
      c.name,
      c.domain,
      c.tenantId ?? '',
      label(`customers.class.${c.class}`),
      c.provider?.name ?? '',
      c.basis ? label(`customers.basis.${c.basis}`) : '',
      c.classified ? (c.classified.by.name ?? c.classified.by.id) : '',
      c.classified?.at ?? '',
      showMove ? label(`customers.move.${moveStatusFrom(c, byDomain, now).state}`) : '',
    ]);
  }
  return stringify(rows, { record_delimiter: 'windows', bom: false, escape_formulas: true });
}
