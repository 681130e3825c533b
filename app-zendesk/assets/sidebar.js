/* global ZAFClient */
/**
 * Ticket sidebar: shows the AI's draft reply for the open ticket, the API calls behind it and
 * the write actions it proposes; inserts the draft into the reply box and runs (or declines) a
 * proposal once the agent confirmed it in a dialog that shows the exact request. Plain browser JavaScript (no build step). Every piece of data reaches the
 * page through textContent / text nodes, never as HTML.
 *
 * Backend contract: GET|POST {backend}/zendesk/tickets/:id/draft,
 * POST {backend}/zendesk/tickets/:id/proposals/:proposalId/run|decline, all with
 * `Authorization: Bearer <api_token>`. The token is a secure setting: the page only ever holds
 * the `{{setting.api_token}}` placeholder, which Zendesk's proxy fills in (secure: true).
 */
(function () {
  'use strict';

  const POLL_INTERVAL_MS = 3000;
  // 20 polls of 3 s: about a minute, long enough for an LLM turn with a few API calls.
  const POLL_MAX_ATTEMPTS = 20;
  const AUTH_HEADER = 'Bearer {{setting.api_token}}';

  const TEXT = {
    loading: 'Loading the draft…',
    drafting: 'Drafting…',
    draftingSlow: 'The draft is taking longer than expected. Check again in a moment.',
    regenerating: 'Drafting a new reply…',
    none: 'No draft yet.',
    unverified: 'No draft yet: the requester is not verified, so the AI does not look up personal data.',
    failed: 'The AI could not draft a reply for this ticket.',
    fallback: 'The AI could not finish this reply: this is the standard fallback text. Check it before sending.',
    inserted: 'The draft was added to the reply box.',
    insertFailed: 'The draft could not be added to the reply box.',
    unauthorized: "The app's API token is not accepted by the backend: check the app settings.",
    noBackend: 'The app has no backend URL: an admin must set it in the app settings.',
    noTicket: 'No ticket is open, so there is no draft to show.',
    noSdk: 'The Zendesk app framework did not load. Reload the page.',
    noCalls: 'The AI made no API calls for this draft.',
    alreadyRun: 'This action was already run, declined or has expired.',
    proposalGone: 'This proposed action no longer exists.',
  };

  /** Call error types (server/src/actions/types.ts) in words for agents. */
  const ERROR_TYPE_WORDS = {
    timeout: 'The API did not answer in time.',
    network: 'The API could not be reached.',
    blocked: 'The call was blocked: that address is not allowed.',
    http_4xx: 'The API refused the request.',
    http_5xx: 'The API had a server error.',
    invalid_response: 'The API answered with data that could not be read.',
    too_large: 'The API answer was too large.',
    missing_variables: 'Some information the action needs was missing.',
    not_allowed: 'The action is not allowed here.',
    needs_confirmation: 'The action waits for an agent to run it.',
  };

  const PROPOSAL_BADGES = {
    pending: ['neutral', 'Waiting'],
    confirmed: ['neutral', 'Starting'],
    running: ['neutral', 'Running'],
    declined: ['neutral', 'Declined'],
    done: ['ok', 'Done'],
    failed: ['error', 'Failed'],
    expired: ['neutral', 'Expired'],
  };

  const appEl = document.getElementById('app');
  const statusEl = document.getElementById('status');
  const contentEl = document.getElementById('content');

  const state = {
    client: null,
    backendUrl: '',
    ticketId: null,
    loading: true,
    data: null,
    error: null,
    notice: null,
    busy: false,
    running: {},
    runErrors: {},
    openCalls: new Set(),
    pollTimer: null,
    pollCount: 0,
    pollGaveUp: false,
  };

  /** Builds an element; string children become text nodes, so data is never parsed as HTML. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'className') node.className = value;
      else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2).toLowerCase(), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function errorTypeInWords(type) {
    if (!type) return 'The call failed.';
    return ERROR_TYPE_WORDS[type] || 'The call failed (' + type + ').';
  }

  function formatTime(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return String(iso || '');
    return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }

  function formatValue(value) {
    if (typeof value === 'string') return value;
    try {
      return JSON.stringify(value);
    } catch (_) {
      return String(value);
    }
  }

  function backendOrigin() {
    try {
      return new URL(state.backendUrl).host;
    } catch (_) {
      return state.backendUrl;
    }
  }

  function ticketPath() {
    return state.backendUrl + '/zendesk/tickets/' + encodeURIComponent(String(state.ticketId));
  }

  /** ZAF request through Zendesk's proxy, which puts the secure token into the header only. */
  function callBackend(type, url, body) {
    const options = {
      url: url,
      type: type,
      headers: { Authorization: AUTH_HEADER },
      secure: true,
      contentType: 'application/json',
    };
    if (body !== undefined) options.data = JSON.stringify(body);
    return state.client.request(options).then(parseBody);
  }

  function parseBody(body) {
    if (typeof body !== 'string') return body;
    try {
      return JSON.parse(body);
    } catch (_) {
      return null;
    }
  }

  /** The backend's own error message, when the failed response carries one. */
  function backendMessage(err) {
    const body = err && (err.responseJSON || parseBody(err.responseText));
    const message = body && body.error && body.error.message;
    return typeof message === 'string' ? message : '';
  }

  /** A failed request in words an agent can act on. */
  function describeError(err) {
    const status = err && typeof err.status === 'number' ? err.status : 0;
    const message = backendMessage(err);
    const tail = message ? ' ' + message : '';
    if (status === 401) return TEXT.unauthorized;
    if (status === 0) {
      return 'Could not reach the backend at ' + backendOrigin() +
        ': check the Backend URL in the app settings and that the server is running.';
    }
    if (status === 403) return 'The backend refused access to this ticket (HTTP 403).' + tail;
    if (status === 429) return 'The backend is busy (HTTP 429): try again in a moment.';
    if (status >= 500) return 'The backend had a problem (HTTP ' + status + '): try again in a moment.' + tail;
    return 'The backend answered with an error (HTTP ' + status + ').' + tail;
  }

  function currentDraft() {
    return state.data && state.data.draft ? state.data.draft : null;
  }

  function resize() {
    if (!state.client) return;
    const height = Math.ceil(appEl.getBoundingClientRect().height);
    Promise.resolve(state.client.invoke('resize', { width: '100%', height: height + 'px' })).catch(function () {});
  }

  // ---- backend flows -------------------------------------------------------------------

  function stopPolling() {
    if (state.pollTimer) clearTimeout(state.pollTimer);
    state.pollTimer = null;
  }

  function schedulePoll() {
    stopPolling();
    if (state.pollCount >= POLL_MAX_ATTEMPTS) {
      state.pollGaveUp = true;
      return;
    }
    state.pollTimer = setTimeout(function () {
      state.pollCount += 1;
      loadDraft();
    }, POLL_INTERVAL_MS);
  }

  function acceptDraftResponse(data) {
    const previous = currentDraft();
    const next = data && typeof data === 'object' ? data : { status: 'failed', draft: null };
    // A 202 answer to a regenerate carries only the status: keep showing the draft we have.
    if (next.draft === undefined) next.draft = previous;
    state.data = next;
    state.error = null;
    if (next.status === 'drafting') {
      schedulePoll();
    } else {
      stopPolling();
      state.pollCount = 0;
      state.pollGaveUp = false;
    }
  }

  function loadDraft() {
    return callBackend('GET', ticketPath() + '/draft')
      .then(acceptDraftResponse, function (err) {
        stopPolling();
        state.error = describeError(err);
      })
      .then(function () {
        state.loading = false;
        render();
      });
  }

  function regenerate() {
    stopPolling();
    state.pollCount = 0;
    state.pollGaveUp = false;
    state.busy = true;
    state.notice = null;
    state.error = null;
    render();
    return callBackend('POST', ticketPath() + '/draft', {})
      .then(acceptDraftResponse, function (err) {
        state.error = describeError(err);
      })
      .then(function () {
        state.busy = false;
        state.loading = false;
        render();
      });
  }

  function checkAgain() {
    state.pollCount = 0;
    state.pollGaveUp = false;
    state.error = null;
    state.loading = true;
    render();
    return loadDraft();
  }

  function insertDraft() {
    const draft = currentDraft();
    if (!draft) return;
    Promise.resolve(state.client.invoke('comment.appendText', draft.reply))
      .then(function () {
        state.notice = TEXT.inserted;
      }, function () {
        state.notice = TEXT.insertFailed;
      })
      .then(render);
  }

  function replaceProposal(updated) {
    const draft = currentDraft();
    if (!draft || !updated) return;
    draft.proposals = (draft.proposals || []).map(function (p) {
      return p.id === updated.id ? updated : p;
    });
  }

  function addCall(call) {
    const draft = currentDraft();
    if (!draft || !call) return;
    draft.calls = draft.calls || [];
    if (!draft.calls.some(function (c) { return c.id === call.id; })) draft.calls.push(call);
  }

  /**
   * Runs or declines a proposal (after the dialog). The server answers 200 with the same
   * outcome to every caller of the same proposal (two agents, a double click): a proposal
   * someone else already ran shows its result, not an error.
   */
  function actOnProposal(proposal, kind) {
    if (state.running[proposal.id]) return Promise.resolve();
    state.running[proposal.id] = kind;
    delete state.runErrors[proposal.id];
    state.notice = null;
    render();
    const url = ticketPath() + '/proposals/' + encodeURIComponent(proposal.id) + '/' + kind;
    return callBackend('POST', url, {})
      .then(function (res) {
        const updated = res && res.proposal;
        replaceProposal(updated);
        addCall(res && res.call);
        state.notice = proposal.action + ': ' + outcomeWords(updated, Boolean(res && res.call));
      }, function (err) {
        const status = err && err.status;
        if (status === 409) state.runErrors[proposal.id] = TEXT.alreadyRun + (backendMessage(err) ? ' ' + backendMessage(err) : '');
        else if (status === 404) state.runErrors[proposal.id] = TEXT.proposalGone;
        else state.runErrors[proposal.id] = describeError(err);
        state.notice = state.runErrors[proposal.id];
      })
      .then(function () {
        delete state.running[proposal.id];
        render();
      });
  }

  function outcomeWords(proposal, ranHere) {
    const status = proposal && proposal.status;
    if (status === 'done') return ranHere ? 'done.' : 'done (it had already run).';
    if (status === 'failed') return ranHere ? 'failed.' : 'failed (it had already run).';
    if (status === 'declined') return 'declined: nothing was sent.';
    if (status === 'expired') return 'expired: nothing was sent.';
    return String(status || 'unknown') + '.';
  }

  // ---- confirmation dialog ---------------------------------------------------------------

  /** The request a proposal sends, as the server rendered it (values filled in, secrets masked). */
  function requestOf(proposal) {
    const r = proposal.request || {};
    return {
      method: r.method || proposal.method || '',
      url: r.url || proposal.url || '',
      headers: r.headers && typeof r.headers === 'object' ? r.headers : {},
      body: typeof r.body === 'string' ? r.body : null,
    };
  }

  function prettyBody(body) {
    try {
      return JSON.stringify(JSON.parse(body), null, 2);
    } catch (_) {
      return body;
    }
  }

  /**
   * Asks before anything is sent: a modal dialog with the exact request. Cancel has the
   * focus, Escape closes it; only the dialog's confirm button calls the backend.
   */
  function openDialog(proposal, kind) {
    const old = document.getElementById('confirm-dialog');
    if (old) old.remove();
    const req = requestOf(proposal);
    const headers = Object.entries(req.headers).map(function (pair) { return [pair[0], String(pair[1])]; });
    const run = kind === 'run';
    const opener = document.activeElement;
    const cancel = el('button', { type: 'button', 'data-role': 'cancel' }, 'Cancel');
    const confirmButton = el('button', { type: 'button', className: 'primary', 'data-role': 'confirm' }, run ? 'Run it' : 'Decline it');
    const dialog = el('dialog', { id: 'confirm-dialog', className: 'confirm', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-lead' },
      el('h2', { id: 'confirm-title' }, (run ? 'Run ' : 'Decline ') + proposal.action + '?'),
      el('p', { id: 'confirm-lead' }, run
        ? 'This request will be sent to the API now, once:'
        : 'Nothing will be sent. The AI proposed this request:'),
      el('div', { className: 'request-line', 'data-role': 'request-line' }, req.method + ' ' + req.url),
      el('div', { className: 'item-sub' }, 'Headers'),
      headers.length ? keyValueList(headers) : el('div', { className: 'item-sub' }, 'None'),
      el('div', { className: 'item-sub' }, 'Body'),
      req.body ? el('pre', { className: 'excerpt', 'data-role': 'request-body' }, prettyBody(req.body)) : el('div', { className: 'item-sub' }, 'None'),
      el('div', { className: 'actions' }, cancel, confirmButton));
    let confirmed = false;
    cancel.addEventListener('click', function () { dialog.close(); });
    confirmButton.addEventListener('click', function () {
      if (confirmed) return;
      confirmed = true;
      confirmButton.disabled = true;
      dialog.close();
      actOnProposal(proposal, kind);
    });
    dialog.addEventListener('close', function () {
      dialog.remove();
      resize();
      if (!confirmed && opener && document.contains(opener)) opener.focus();
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
    // The iframe is sized to the page: make room for the dialog.
    const height = Math.ceil(Math.max(appEl.getBoundingClientRect().height, dialog.getBoundingClientRect().height + 48));
    Promise.resolve(state.client.invoke('resize', { width: '100%', height: height + 'px' })).catch(function () {});
  }

  // ---- rendering -----------------------------------------------------------------------

  function statusLine() {
    if (state.error) return { text: state.error, error: true };
    if (state.loading) return { text: TEXT.loading };
    if (state.busy) return { text: TEXT.regenerating };
    if (state.data && state.data.status === 'drafting') {
      return { text: state.pollGaveUp ? TEXT.draftingSlow : TEXT.drafting };
    }
    return { text: state.notice || '' };
  }

  function button(label, onClick, opts) {
    const o = opts || {};
    return el('button', {
      type: 'button',
      className: o.primary ? 'primary' : null,
      'aria-label': o.ariaLabel || null,
      'data-key': o.key || null,
      disabled: Boolean(o.disabled),
      onClick: onClick,
    }, label);
  }

  function keyValueList(entries) {
    return el('dl', { className: 'kv' }, entries.map(function (pair) {
      return [el('dt', null, pair[0]), el('dd', null, pair[1])];
    }));
  }

  function emptyState() {
    const status = state.data && state.data.status;
    if (status === 'unverified') return [el('p', { className: 'notice' }, TEXT.unverified)];
    if (status === 'none') {
      return [
        el('p', { className: 'notice' }, TEXT.none),
        el('div', { className: 'actions' },
          button('Draft a reply', regenerate, { primary: true, disabled: state.busy, key: 'regenerate' })),
      ];
    }
    if (status === 'failed') {
      return [
        el('p', { className: 'notice is-warning' }, TEXT.failed, state.data.message ? ' ' + state.data.message : ''),
        el('div', { className: 'actions' },
          button('Try again', regenerate, { primary: true, disabled: state.busy, key: 'regenerate' })),
      ];
    }
    if (status === 'drafting' && state.pollGaveUp) {
      return [el('div', { className: 'actions' }, button('Check again', checkAgain, { key: 'check' }))];
    }
    return [];
  }

  function renderCall(call) {
    const ok = Boolean(call.ok);
    const badgeText = (ok ? 'OK' : 'Error') + (call.status === null || call.status === undefined ? '' : ' ' + call.status);
    const headers = Object.entries(call.requestHeaders || {});
    return el('li', { className: 'item', 'data-call-id': call.id },
      el('div', { className: 'item-head' },
        el('span', { className: 'item-name' }, call.action),
        el('span', { className: 'badge ' + (ok ? 'ok' : 'error') }, badgeText)),
      el('div', { className: 'item-sub' }, call.method + ' · ' + call.durationMs + ' ms'),
      ok ? null : el('p', { className: 'error-text result' }, errorTypeInWords(call.errorType)),
      el('details', { 'data-call-id': call.id, open: state.openCalls.has(call.id) },
        el('summary', null, 'Details'),
        keyValueList([['URL', call.url], ['At', formatTime(call.at)]]),
        el('div', { className: 'item-sub' }, 'Request headers'),
        headers.length ? keyValueList(headers) : el('div', { className: 'item-sub' }, 'None'),
        el('div', { className: 'item-sub' }, 'Response'),
        el('pre', { className: 'excerpt' }, call.responseExcerpt || '(empty)')));
  }

  function isExpired(proposal) {
    if (proposal.status === 'expired') return true;
    const expires = Date.parse(proposal.expiresAt);
    return proposal.status === 'pending' && !Number.isNaN(expires) && expires < Date.now();
  }

  function renderProposalResult(proposal) {
    const result = proposal.result;
    if (!result) return null;
    const status = result.status === null || result.status === undefined ? '' : ' (HTTP ' + result.status + ')';
    return el('div', { className: 'result' },
      result.ok
        ? el('p', { className: 'ok-text result' }, 'Done' + status + '.')
        : el('p', { className: 'error-text result' }, 'Failed' + status + ': ' + errorTypeInWords(result.errorType)),
      result.excerpt ? el('pre', { className: 'excerpt' }, result.excerpt) : null);
  }

  function renderProposal(proposal) {
    const expired = isExpired(proposal);
    const badge = PROPOSAL_BADGES[expired ? 'expired' : proposal.status] || ['neutral', String(proposal.status)];
    const args = Object.entries(proposal.arguments || {}).map(function (pair) {
      return [pair[0], formatValue(pair[1])];
    });
    const running = state.running[proposal.id];
    const canRun = proposal.status === 'pending' && !expired;
    const runError = state.runErrors[proposal.id];
    return el('li', { className: 'item', 'data-proposal-id': proposal.id },
      el('div', { className: 'item-head' },
        el('span', { className: 'item-name' }, proposal.action),
        el('span', { className: 'badge ' + badge[0] }, badge[1])),
      el('div', { className: 'item-sub' }, proposal.method + ' ' + proposal.url),
      args.length ? keyValueList(args) : null,
      canRun ? el('div', { className: 'item-sub' }, 'Expires ' + formatTime(proposal.expiresAt)) : null,
      canRun
        ? el('div', { className: 'actions' },
            button(running === 'run' ? 'Running…' : 'Run', function () { openDialog(proposal, 'run'); }, {
              primary: true,
              disabled: Boolean(running),
              ariaLabel: (running === 'run' ? 'Running ' : 'Run ') + proposal.action,
              key: 'run-' + proposal.id,
            }),
            button(running === 'decline' ? 'Declining…' : 'Decline', function () { openDialog(proposal, 'decline'); }, {
              disabled: Boolean(running),
              ariaLabel: (running === 'decline' ? 'Declining ' : 'Decline ') + proposal.action,
              key: 'decline-' + proposal.id,
            }))
        : null,
      renderProposalResult(proposal),
      runError ? el('p', { className: 'error-text result', role: 'alert' }, runError) : null);
  }

  function renderDraft(draft) {
    const calls = draft.calls || [];
    const proposals = draft.proposals || [];
    const drafting = state.data && state.data.status === 'drafting';
    return [
      el('h2', null, drafting ? 'Previous draft' : 'Draft reply'),
      draft.fallback ? el('p', { className: 'notice is-warning' }, TEXT.fallback) : null,
      el('div', { className: 'draft-text', id: 'draft-text' }, draft.reply),
      el('p', { className: 'meta' }, 'Drafted ' + formatTime(draft.createdAt)),
      el('div', { className: 'actions' },
        button('Insert into reply', insertDraft, { primary: true, key: 'insert' }),
        button('Regenerate', regenerate, { disabled: state.busy || drafting, key: 'regenerate' })),
      proposals.length
        ? [el('h2', null, 'Proposed actions'), el('ul', { className: 'list', id: 'proposals' }, proposals.map(renderProposal))]
        : null,
      el('h2', null, 'API calls (' + calls.length + ')'),
      calls.length
        ? el('ul', { className: 'list', id: 'calls' }, calls.map(renderCall))
        : el('p', { className: 'meta' }, TEXT.noCalls),
    ];
  }

  function render() {
    const focusedKey = document.activeElement && document.activeElement.getAttribute('data-key');
    const line = statusLine();
    statusEl.textContent = line.text;
    statusEl.classList.toggle('is-error', Boolean(line.error));
    appEl.setAttribute('aria-busy', String(state.loading || state.busy));

    const parts = [];
    const draft = currentDraft();
    if (state.data) {
      parts.push(emptyState());
      if (draft && (state.data.status === 'ready' || state.data.status === 'drafting')) parts.push(renderDraft(draft));
    }
    if (state.error && !state.loading && state.backendUrl && state.ticketId !== null) {
      parts.push(el('div', { className: 'actions' }, button('Try again', checkAgain, { key: 'retry' })));
    }
    contentEl.replaceChildren(...parts.flat(3).filter(Boolean));

    // Re-rendering replaces the buttons: give focus back to the one the agent was on.
    if (focusedKey) {
      const again = contentEl.querySelector('[data-key="' + CSS.escape(focusedKey) + '"]');
      if (again && !again.disabled) again.focus();
    }
    resize();
  }

  function fail(message) {
    state.loading = false;
    state.error = message;
    render();
  }

  // ---- start ---------------------------------------------------------------------------

  document.addEventListener('toggle', function (event) {
    const target = event.target;
    const id = target && target.getAttribute && target.getAttribute('data-call-id');
    if (id) {
      if (target.open) state.openCalls.add(id);
      else state.openCalls.delete(id);
    }
    resize();
  }, true);

  if (typeof ZAFClient === 'undefined') {
    fail(TEXT.noSdk);
    return;
  }
  state.client = ZAFClient.init();
  Promise.all([state.client.metadata(), state.client.get('ticket.id')])
    .then(function (results) {
      const settings = (results[0] && results[0].settings) || {};
      state.backendUrl = String(settings.backend_url || '').trim().replace(/\/+$/, '');
      const ticketId = results[1] && results[1]['ticket.id'];
      state.ticketId = ticketId === undefined || ticketId === null || ticketId === '' ? null : ticketId;
      if (!state.backendUrl) return fail(TEXT.noBackend);
      if (state.ticketId === null) return fail(TEXT.noTicket);
      return loadDraft();
    })
    .catch(function () {
      fail('The app could not read its settings or the ticket from Zendesk. Reload the page.');
    });
})();
