import { useState } from 'react';
import { describeError, type FieldIssue } from '../api/client';
import { useApi } from '../api/context';
import type { ModelTestResult, SetupState } from '../api/setup-types';
import { Field } from '../components/field';
import { fieldId, issueAt } from '../components/issues';
import { Notice } from '../components/notice';
import { formatDuration } from '../format';
import { ModelMissing } from '../setup/model-missing';

interface ModelCardProps {
  /** The model name typed in the settings (empty: the server default). */
  model: string;
  onChange: (model: string) => void;
  issues: readonly FieldIssue[];
  setup: SetupState | undefined;
}

/** The model the AI runs on: where it is, which one, and a one-completion test that says what failed. */
export function ModelCard({ model, onChange, issues, setup }: ModelCardProps) {
  const api = useApi();
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<ModelTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const test = async () => {
    setTesting(true);
    setResult(null);
    setError(null);
    try {
      setResult(await api.post<ModelTestResult>('/v1/settings/model/test', model.trim() ? { model: model.trim() } : {}));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setTesting(false);
    }
  };

  return (
    <fieldset className="panel" id="model">
      <legend>Model</legend>
      {setup && !setup.model.configured ? (
        <Notice tone="warning" title="No model configured">
          <ModelMissing />
        </Notice>
      ) : null}
      <dl className="facts">
        <div>
          <dt>Endpoint (OPENAI_BASE_URL)</dt>
          <dd>{setup ? <code id="model-base-url">{setup.model.baseUrl || 'not set'}</code> : '…'}</dd>
        </div>
        <div>
          <dt>Server default model (OPENAI_MODEL)</dt>
          <dd>{setup ? <code id="model-default-name">{setup.model.name || 'not set'}</code> : '…'}</dd>
        </div>
      </dl>
      <div className="two-col">
        <Field id={fieldId('model')} label="Model" optional hint="Empty uses the server default. The test uses the name typed here, saved or not." error={issueAt(issues, 'model')}>
          {(a) => <input {...a} spellCheck={false} placeholder={setup?.model.name || 'gpt-4.1-mini'} value={model} onChange={(e) => onChange(e.target.value)} />}
        </Field>
      </div>
      <div className="button-row">
        <button type="button" className="button secondary" disabled={testing} onClick={test}>
          {testing ? 'Testing the model…' : 'Test the model'}
        </button>
        <span className="muted small">Makes one tiny completion; it may cost a fraction of a cent.</span>
      </div>
      <div aria-live="polite" className="model-test-result">
        {result ? (
          result.ok ? (
            <Notice tone="success" title="The model answered">
              <code>{result.model}</code> at <code>{result.baseUrl}</code> answered in {formatDuration(result.latencyMs)}. {result.message}
            </Notice>
          ) : (
            <Notice tone="error" title="The model did not answer">
              <p>{result.message}</p>
              <p className="small">
                Asked <code>{result.model}</code> at <code>{result.baseUrl}</code>.
              </p>
            </Notice>
          )
        ) : null}
        {error ? <Notice tone="error" title="The test could not run">{error}</Notice> : null}
      </div>
    </fieldset>
  );
}
