import { z } from 'zod';

/**
 * A scenario: one scripted conversation with the agent and what must hold after each turn.
 * A suite is a folder of scenario files (YAML or JSON). `npm run eval` runs them through the
 * HTTP API only, so the same file tests the scripted model in CI and a real model.
 */

const actionName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must be an action name (letters, digits, _ and -, starting with a letter)')
  .describe('Name of an action (the tool name the model sees)');

/** Matches one argument by regular expression (JavaScript syntax, unanchored). */
export const RegexMatcher = z
  .strictObject({
    regex: z
      .string()
      .min(1)
      .max(1000)
      .refine((s) => {
        try {
          new RegExp(s);
          return true;
        } catch {
          return false;
        }
      }, 'not a valid regular expression')
      .describe('A JavaScript regular expression the argument (as text) must match; add ^ and $ to match all of it'),
    flags: z
      .string()
      .regex(/^[imsu]*$/, 'only the flags i, m, s and u are allowed')
      .max(4)
      .optional()
      .describe('Regular expression flags, e.g. "i" to ignore case'),
  })
  .describe('The argument must match a regular expression');

/** Matches any value, as long as the argument is present. */
export const AnyMatcher = z.strictObject({ any: z.literal(true).describe('Any value, but the argument must be present') }).describe('The argument must be present');

/**
 * How one argument is checked: `{regex}`, `{any: true}`, or a literal value that the
 * argument must equal (deep equality; a number also equals its decimal text, since models
 * often send "3" for 3).
 */
export const ArgMatcher = z
  .union([RegexMatcher, AnyMatcher, z.json()])
  .describe('A literal value the argument must equal, {regex: "..."} it must match, or {any: true}');
export type ArgMatcher = z.infer<typeof ArgMatcher>;

/** A call the model must make in the turn. */
export const ExpectedCall = z
  .strictObject({
    action: actionName,
    args: z
      .record(z.string().min(1).max(64), ArgMatcher)
      .optional()
      .describe('Arguments to check by name; arguments not named here may have any value'),
  })
  .describe('An action that must be called in this turn (in any order), optionally with these arguments');
export type ExpectedCall = z.infer<typeof ExpectedCall>;

/** What must hold after a turn. */
export const TurnExpect = z
  .strictObject({
    calls: z
      .array(ExpectedCall)
      .max(30)
      .optional()
      .describe('Actions that must be called in this turn; [] means no call at all. Calls the server refused count as called: the model attempted them'),
    notCalled: z.array(actionName).max(50).optional().describe('Actions that must not be called (not even attempted) in this turn'),
    pending: z
      .array(actionName)
      .max(30)
      .optional()
      .describe('Actions whose proposals must be waiting for confirmation after this turn (exactly these); [] means none'),
    reply: z
      .strictObject({
        contains: z.array(z.string().min(1).max(500)).max(30).optional().describe('Texts the reply must contain (case-insensitive)'),
        notContains: z.array(z.string().min(1).max(500)).max(30).optional().describe('Texts the reply must not contain (case-insensitive)'),
      })
      .optional()
      .describe('Checks on the text of the reply'),
  })
  .describe('What must hold after the turn');
export type TurnExpect = z.infer<typeof TurnExpect>;

/** The customer says something. */
export const SayTurn = z
  .strictObject({
    say: z.string().min(1, 'must not be empty').max(8000).describe('The customer message'),
    expect: TurnExpect.optional(),
  })
  .describe('The customer sends a message');

/** The customer confirms the pending proposal (the server's confirm route, not a typed "yes"). */
export const ConfirmTurn = z
  .strictObject({
    confirm: z.literal(true).describe('Confirm the pending proposal'),
    action: actionName.optional().describe('Which pending proposal, by action name, when several are pending (default: the latest)'),
    expect: TurnExpect.optional(),
  })
  .describe('The customer confirms the pending write');

/** The customer declines the pending proposal. */
export const DeclineTurn = z
  .strictObject({
    decline: z.literal(true).describe('Decline the pending proposal'),
    action: actionName.optional().describe('Which pending proposal, by action name, when several are pending (default: the latest)'),
    expect: TurnExpect.optional(),
  })
  .describe('The customer declines the pending write');

export const Turn = z
  .union([SayTurn, ConfirmTurn, DeclineTurn], { error: () => 'a turn is {say: "..."}, {confirm: true} or {decline: true}, each with an optional expect' })
  .describe('One turn of the conversation');
export type Turn = z.infer<typeof Turn>;

/** A canned answer of an action in a sandboxed conversation. */
export const ScenarioMock = z
  .strictObject({
    status: z.number().int().min(100).max(599).describe('HTTP status the action answers'),
    headers: z.record(z.string().min(1).max(256), z.string().max(8192)).optional().describe('Response headers'),
    body: z.json().describe('Response body (JSON)'),
  })
  .describe('A canned response used instead of calling the action');
export type ScenarioMock = z.infer<typeof ScenarioMock>;

/** One scenario file. */
export const Scenario = z
  .strictObject({
    name: z.string().min(1).max(200).describe('Name shown in the report; unique within a suite'),
    description: z.string().max(2000).optional().describe('What the scenario checks, for people'),
    customer: z
      .strictObject({
        id: z.string().max(200).optional().describe('Customer id in the helpdesk'),
        email: z.email().max(320).optional().describe('Customer email'),
        name: z.string().max(200).optional().describe('Customer name'),
        verified: z.boolean().describe('Whether the helpdesk verified the identity (only then personal data)'),
      })
      .describe('Who the agent talks to'),
    mocks: z
      .record(actionName, ScenarioMock)
      .optional()
      .describe('Canned responses per action name for this scenario (used when sandbox is on)'),
    sandbox: z
      .boolean()
      .default(true)
      .describe('Run the conversation in sandbox mode: actions answer with their mocks, writes without a mock are dry runs'),
    turns: z.array(Turn).min(1, 'a scenario needs at least one turn').max(50).describe('The conversation, in order'),
  })
  .superRefine((s, ctx) => {
    const first = s.turns[0];
    if (first && !('say' in first)) ctx.addIssue({ code: 'custom', path: ['turns', 0], message: 'the first turn must be a customer message (say)' });
  })
  .describe('A scenario: a customer, their turns, and what must hold after each');
export type ScenarioInput = z.input<typeof Scenario>;
export type Scenario = z.output<typeof Scenario>;
