/**
 * What to do when the server has no model: the environment variables it reads at start.
 * Exported for every page that needs a model (the checklist, the settings, the playground).
 */
export function ModelMissing() {
  return (
    <span className="model-missing">
      No model is configured, so the AI cannot answer. Start the server with <code>OPENAI_API_KEY</code> set (and <code>OPENAI_BASE_URL</code> for any other
      OpenAI-compatible endpoint, e.g. Ollama at <code>http://localhost:11434/v1</code>); <code>OPENAI_MODEL</code> sets the default model, and the model name can
      be changed under Settings, Model.
    </span>
  );
}
