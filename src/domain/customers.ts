/**
 * A reseller's customer list during the transition: which customers are direct bill customers
 * (acquired as a direct bill partner) and which are indirect reseller customers (an indirect
 * provider orders for them), how the partner imports the list from a CSV file, and how far each
 * direct bill customer is in moving to the indirect provider.
 *
 * Sources (transition seed, transition-direct-bill-to-indirect-reseller.en.md):
 * - "Managing your direct bill customers and your indirect reseller customers": what each class
 *   allows ({@link CLASS_RULES}) and "To identify customers that you acquired as a direct bill
 *   partner": open the customer in Partner Center; if you can add or view products and see their
 *   subscriptions it is a direct bill customer, if those options are missing it is an indirect
 *   reseller customer ({@link answerIdentifyingQuestion}).
 * - "Acquire new customers as indirect reseller": indirect resellers can't create tenants, the
 *   provider creates them and names the reseller; the direct bill capability can't purchase for
 *   customers acquired as indirect reseller ({@link classifyFromRelationships}, basis `addedByProvider`).
 * - "Move your direct bill customers to your indirect provider": an indirect reseller invitation
 *   gives the provider a reseller relationship with an existing direct bill customer
 *   ({@link moveStatus}, basis `moved`).
 *
 * Pure: no botbuilder import, no I/O; every function takes data and returns new data (inputs are
 * never mutated; unchanged customer objects may be shared between the old and new record, so
 * treat records as immutable). Errors are values.
 *
 * This file is the public entry; the code lives in `./customers/`, one module per concern:
 * `record.ts` (the record and its types), `validation.ts` (one customer's fields), `csvImport.ts`
 * (reading a CSV), `changes.ts` (adding and refreshing customers), `classification.ts` (classes
 * from relationships and from the identifying question, what each class allows), `moves.ts`
 * (moving direct bill customers), `views.ts` (counts and pages), `csvExport.ts` (the CSV export),
 * `partnerCenterFacts.ts` (classes from Partner Center's own data, connected mode).
 */
export {
  ASSISTANT_ACTOR,
  CUSTOMER_CLASSES,
  MAX_CUSTOMERS,
  newCustomerRecord,
  type ClassificationBasis,
  type Customer,
  type CustomerClass,
  type CustomerProviderRef,
  type CustomerRecord,
} from './customers/record.js';
export { MAX_CUSTOMER_NAME, validateCustomerInput, type CustomerFieldError, type CustomerInput } from './customers/validation.js';
export {
  CSV_COLUMN_ALIASES,
  CSV_ERROR_VALUE_MAX,
  MAX_CSV_BYTES,
  MAX_CSV_ROWS,
  parseCustomerCsv,
  type CsvField,
  type CsvProblem,
  type CsvRowError,
  type CustomerCsvResult,
} from './customers/csvImport.js';
export { importCustomers } from './customers/changes.js';
export {
  classifyFromPartnerCenter,
  type PartnerCenterClassification,
  type PartnerCenterCustomerFact,
  type PartnerCenterSnapshot,
} from './customers/partnerCenterFacts.js';
export {
  answerIdentifyingQuestion,
  CLASS_RULES,
  classifyFromRelationships,
  IDENTIFYING_ANSWERS,
  linkClassification,
  type IdentifyingAnswer,
  type LinkClassification,
} from './customers/classification.js';
export { listCustomers, summarizeCustomers } from './customers/views.js';
export { MOVE_STATES, moveStatus, type MoveState } from './customers/moves.js';
export { CUSTOMER_CSV_COLUMNS, customersCsv } from './customers/csvExport.js';
