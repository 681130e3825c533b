/** The eval report `POST /v1/scenarios/run` answers: the eval's own types (shared/eval-report.ts). */
import type { ScenarioResult, SuiteReport, TurnRecord } from '../../../../shared/eval-report';

export type { SuiteReport };
export type ScenarioReport = ScenarioResult;
export type TurnReport = TurnRecord;
