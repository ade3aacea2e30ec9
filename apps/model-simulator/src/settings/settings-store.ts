import { applySettingsPatch, type SimulatorSettings } from './simulator-settings';

/**
 * The live settings. Each change swaps in a new frozen object, so a request that read `current`
 * at its start keeps consistent settings to the end.
 */
export class SettingsStore {
  private settings: SimulatorSettings;

  constructor(readonly initial: SimulatorSettings) {
    this.settings = initial;
  }

  get current(): SimulatorSettings {
    return this.settings;
  }

  configure(patch: unknown): SimulatorSettings {
    this.settings = applySettingsPatch(this.settings, patch);
    return this.settings;
  }

  reset(): SimulatorSettings {
    this.settings = this.initial;
    return this.settings;
  }
}
