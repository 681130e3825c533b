import type { ReactNode } from 'react';
import { describeError } from '../api/client';
import { useApi } from '../api/context';
import type { SetupState } from '../api/setup-types';
import { Notice } from '../components/notice';
import { formatTime } from '../format';
import { href, onLinkClick } from '../router';
import { useLoad } from '../use-load';
import { ModelMissing } from './model-missing';

/** One step of the setup, done or not, and where it is done. */
interface Step {
  id: string;
  done: boolean;
  title: string;
  /** What the state is now, in words. */
  detail: ReactNode;
  route: string;
  linkText: string;
  optional?: boolean;
}

/** The steps from a fresh start to a first answer, from the server's real state. */
export function setupSteps(s: SetupState): Step[] {
  return [
    {
      id: 'model',
      done: s.model.configured,
      title: 'Connect a model',
      detail: s.model.configured ? (
        <>
          <code>{s.model.name}</code> at <code>{s.model.baseUrl}</code>. Test that it answers in Settings.
        </>
      ) : (
        <ModelMissing />
      ),
      route: 'settings#model',
      linkText: s.model.configured ? 'Test the model' : 'Model settings',
    },
    {
      id: 'action',
      done: s.actions.count > 0,
      title: 'Create a first action',
      detail: s.actions.count > 0 ? `${s.actions.count} action${s.actions.count === 1 ? '' : 's'}.` : 'Describe one API the AI may call: its URL, authentication and the values to collect.',
      route: 'actions/new',
      linkText: 'Create an action',
    },
    {
      id: 'tested',
      done: s.actions.tested,
      title: 'Test an action',
      detail: s.actions.tested ? 'An action was tested from the editor.' : 'Open an action and press "Run test": it calls your API once with sample values.',
      route: 'actions',
      linkText: 'Open the actions',
    },
    {
      id: 'user-data',
      done: s.userDataApi.configured,
      title: 'Set up the User Data API',
      detail: s.userDataApi.configured ? 'Verified customers are looked up once per conversation.' : 'One call per conversation that tells the AI who a verified customer is.',
      route: 'user-data',
      linkText: 'User Data API',
      optional: true,
    },
    {
      id: 'zendesk',
      done: s.zendesk.configured,
      title: 'Connect Zendesk',
      detail: s.zendesk.configured
        ? s.zendesk.lastConversationAt
          ? `Connected; last ticket conversation ${formatTime(s.zendesk.lastConversationAt)}.`
          : 'Connected; no ticket has reached the AI yet.'
        : 'Credentials, the webhook and its trigger, and the sidebar token.',
      route: 'settings#zendesk',
      linkText: 'Zendesk setup',
      optional: true,
    },
    {
      id: 'intercom',
      done: s.intercom.configured,
      title: 'Connect Intercom',
      detail: s.intercom.configured
        ? s.intercom.lastConversationAt
          ? `Connected; last Messenger conversation ${formatTime(s.intercom.lastConversationAt)}.`
          : 'Connected; no Messenger conversation has reached the AI yet.'
        : 'Access token, client secret, the admin the AI replies as, and the webhook.',
      route: 'settings#intercom',
      linkText: 'Intercom setup',
      optional: true,
    },
    {
      id: 'conversation',
      done: s.conversations.any,
      title: 'Have a first conversation',
      detail: s.conversations.any ? `${s.conversations.count} conversation${s.conversations.count === 1 ? '' : 's'} so far.` : 'Ask the AI something in the playground and see which calls it makes.',
      route: s.conversations.any ? 'conversations' : 'playground',
      linkText: s.conversations.any ? 'Conversations' : 'Open the playground',
    },
  ];
}

/** The home page's checklist; once every required step is done it folds into one line. */
export function SetupChecklist() {
  const api = useApi();
  const setup = useLoad(() => api.get<SetupState>('/v1/setup'), []);
  if (setup.error) return <Notice tone="warning" title="The setup state could not be read">{describeError(setup.error)}</Notice>;
  if (!setup.data) return null;
  const steps = setupSteps(setup.data);
  const required = steps.filter((s) => !s.optional);
  const done = steps.filter((s) => s.done).length;
  const allRequired = required.every((s) => s.done);
  const list = (
    <ol className="checklist">
      {steps.map((s) => (
        <li key={s.id} id={`setup-${s.id}`} className={`checklist-item ${s.done ? 'is-done' : 'is-todo'}`}>
          <span className="checklist-mark" aria-hidden="true">
            {s.done ? '✓' : ''}
          </span>
          <div className="checklist-body">
            <strong>
              <span className="visually-hidden">{s.done ? 'Done: ' : 'To do: '}</span>
              {s.title}
              {s.optional ? <span className="optional"> (optional)</span> : null}
            </strong>
            <div className="muted">{s.detail}</div>
          </div>
          <a className="button secondary small" href={href(s.route)} onClick={onLinkClick(s.route)}>
            {s.linkText}
          </a>
        </li>
      ))}
    </ol>
  );
  return (
    <section className="panel setup-checklist" aria-labelledby="setup-title">
      {allRequired ? (
        <details>
          <summary>
            <h2 id="setup-title" className="inline-heading">
              Setup
            </h2>{' '}
            <span className="muted">
              {done} of {steps.length} steps done
            </span>
          </summary>
          {list}
        </details>
      ) : (
        <>
          <h2 id="setup-title">Get set up</h2>
          <p className="muted">
            {done} of {steps.length} steps done. Each step links to where it is done.
          </p>
          {list}
        </>
      )}
    </section>
  );
}
