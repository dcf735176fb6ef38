/**
 * The card-submit schema of the whole assistant (every journey's slice plus the common verbs), for
 * the bot (`language.set`), the card census test and the fuzz test. Built by the registry.
 */
export { isReroute, REROUTE } from './submitFields.js';
export { parseSubmit, submitSchema, type Submit, type Verb } from './registry.js';
