/**
 * Interim: the checklist and provider use cases over the repositories, as the dialogs did them,
 * until `ChecklistService` and `ProviderService` (src/checklist, src/providers) land. Deleted then.
 */
import { applyProviderChoice, type ProviderChoiceRecord } from '../src/domain/providerChoice.js';
import type { ProviderDirectory } from '../src/domain/providers.js';
import { applyCommand, currentStep, isEnrolled } from '../src/domain/transition.js';
import type { InvitationService } from '../src/invitations/invitationService.js';
import type { TenantRecords } from '../src/store/tenantRecords.js';
import type { TransitionRepository } from '../src/store/transitionRepository.js';
import type { ChecklistOperations, ProviderOperations } from './services.js';

/** Checklist use cases over the repository (interim). */
export function interimChecklist(transitions: TransitionRepository, invitations: InvitationService, clock: () => Date = () => new Date()): ChecklistOperations {
  return {
    get: (tenantId) => invitations.reconcileChecklist(tenantId),
    apply: (tenantId, actor, command, rev) => transitions.update(tenantId, (r) => applyCommand(r, command, actor, clock(), rev)),
    setNextItem: (tenantId, actor, item, done) =>
      transitions.update(tenantId, (r) =>
        Boolean(r.nextItems[item]) === done
          ? { ok: false as const, error: { code: 'unchanged' as const, ...(r.nextItems[item] ? { mark: r.nextItems[item] } : {}) } }
          : applyCommand(r, { type: 'setNextItem', item, done }, actor, clock()),
      ),
    setRole: (tenantId, actor, role) => transitions.update(tenantId, (r) => applyCommand(r, { type: 'setRole', role }, actor, clock())),
    confirmApprovedIfWaiting: async (tenantId, actor) => {
      const record = await transitions.get(tenantId);
      if (currentStep(record) !== 'approval') return { confirmed: false, enrolled: isEnrolled(record) };
      const result = await transitions.update(tenantId, (r) => applyCommand(r, { type: 'confirmApproved' }, actor, clock()));
      return { confirmed: result.ok, enrolled: true };
    },
  };
}

/** Provider use cases over the repositories (interim). */
export function interimProviders(
  directory: ProviderDirectory,
  choices: TenantRecords<ProviderChoiceRecord>,
  transitions: TransitionRepository,
  clock: () => Date = () => new Date(),
): ProviderOperations {
  const exists = (id: string) => directory.get(id) !== undefined;
  return {
    directory,
    choice: (tenantId) => choices.get(tenantId),
    search: async (tenantId, actor, country, priorities) => {
      const saved = await choices.update(tenantId, (r) => applyProviderChoice(r, { type: 'search', country, priorities }, actor, clock(), () => true));
      return saved.ok ? saved.record : choices.get(tenantId);
    },
    apply: async (tenantId, actor, command, rev) => {
      const result = await choices.update(tenantId, (r) => applyProviderChoice(r, command, actor, clock(), exists, rev));
      if (!result.ok || command.type !== 'choose') return result;
      const ticked = await transitions.update(tenantId, (r) => applyCommand(r, { type: 'setNextItem', item: 'findProvider', done: true }, actor, clock()));
      return { ...result, ticked: ticked.ok };
    },
  };
}
