/**
 * The use cases the journeys call: every side effect lives behind these services (src/<area>/),
 * which chat handlers and HTTP pages call the same way. The composition root
 * (`src/app/compose.ts`) builds them and passes them to `MainDialog`; journeys never touch a
 * repository or apply a domain command themselves.
 */
import type { ChecklistService } from '../src/checklist/checklistService.js';
import type { CustomerService } from '../src/customers/customerService.js';
import type { InvitationService } from '../src/invitations/invitationService.js';
import type { ProviderService } from '../src/providers/providerService.js';
import type { PartnerCenterRefresh } from '../src/customers/partnerCenterRefresh.js';
import type { IdentityService } from '../src/identity/identityService.js';
import type { ReminderService } from '../src/reminders/reminderService.js';

/** Everything the journeys call. */
export interface JourneyServices {
  checklist: ChecklistService;
  providers: ProviderService;
  invitations: InvitationService;
  customers: CustomerService;
  /** Absent only in dialog tests that build a journey alone. */
  reminders?: ReminderService;
  /** Connected mode: sign-in and roles verified in Microsoft Entra ID; absent in manual mode. */
  identity?: IdentityService;
  /** Connected to Partner Center: who a tenant's background reads are made as. */
  partnerCenterRefresh?: PartnerCenterRefresh;
}
