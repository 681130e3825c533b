/** OpenAPI / Swagger import: pure preview and apply plan; the HTTP routes and the stores live elsewhere. */
export { previewOpenApi, planApply, toActionInput, toConnectedActionInput, type ApplyPlan, type ConnectedActionInput, type PreviewOptions } from './preview';
export { parseDocumentText, type FetchText } from './load';
