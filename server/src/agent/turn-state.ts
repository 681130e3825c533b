import type { ActionContext } from '../../../shared/action';
import type { Connection } from '../../../shared/connection';
import type { CallRecord, Conversation } from '../../../shared/conversation';
import type { Settings } from '../../../shared/settings';
import type { Redactor } from '../secrets';
import type { StoredProposal } from '../store';
import type { ActionTool } from './tools';

/** `live`: writes run after the customer confirms. `draft` (Zendesk): writes are only proposed to the agent. */
export type TurnMode = 'live' | 'draft';

/** Everything one turn works with; built at its start, dropped at its end. */
export interface TurnState {
  tenantId: string;
  conv: Conversation;
  turnId: string;
  mode: TurnMode;
  settings: Settings;
  /** The tools offered to the model, by name. */
  tools: ReadonlyMap<string, ActionTool>;
  /** Names of the tools the model is offered this turn (all, or a selection past the bound). */
  offered: string[];
  /** Enabled actions this customer may not use (audience). */
  hidden: ReadonlySet<string>;
  calls: CallRecord[];
  callCount: number;
  context: ActionContext;
  signal: AbortSignal;
  /** Every secret of the tenant, masked in everything the turn hands out. */
  scrub: Redactor;
  /** The tenant's connections by id. */
  connections: ReadonlyMap<string, Connection>;
  /** This conversation's proposals, as the store has them. */
  proposals: StoredProposal[];
}
