/** The words understood at any prompt (locale key `commands.<id>` lists the phrases in each language). */
export const COMMAND_IDS = ['help', 'menu', 'status', 'back', 'cancel', 'startOver', 'plan'] as const;
/** One of {@link COMMAND_IDS}. */
export type CommandId = (typeof COMMAND_IDS)[number];
