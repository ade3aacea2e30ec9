export { startModelSimulator } from './server/start-model-simulator';
export type { CloseOptions, ModelSimulator, ModelSimulatorOptions } from './server/start-model-simulator';
export type { SimulatorStats } from './server/simulator-stats';
export { DEFAULT_SIMULATOR_SETTINGS, InvalidSettingsError, simulatorSettingsSchema } from './settings/simulator-settings';
export type { SimulatorSettings, SimulatorSettingsPatch } from './settings/simulator-settings';
export { SIMULATOR_HEADERS } from './http/request-overrides';
export { countTokens } from '@ai-commons/token-count';
