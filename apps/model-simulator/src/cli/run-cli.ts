import { startModelSimulator, type ModelSimulator } from '../server/start-model-simulator';
import { redactSettings } from '../settings/simulator-settings';
import { CliUsageError, cliUsage, parseCli } from './cli-options';

export interface CliProcess {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly onSignal: (signal: 'SIGTERM' | 'SIGINT', listener: () => void) => void;
  readonly exit: (code: number) => void;
}

/**
 * Starts the simulator from the command line, logs one JSON line once it listens, and shuts down
 * gracefully on SIGTERM/SIGINT. Resolves with the running simulator (null after --help or a usage error).
 */
export async function runCli(cli: CliProcess): Promise<ModelSimulator | null> {
  let configuration;
  try {
    configuration = parseCli(cli.argv, cli.env);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    cli.stderr(`model-simulator: ${error.message}\n\n${cliUsage()}`);
    cli.exit(2);
    return null;
  }
  if (configuration.help) {
    cli.stdout(cliUsage());
    cli.exit(0);
    return null;
  }

  const logLine = (event: Record<string, unknown>): void => cli.stdout(JSON.stringify({ time: new Date().toISOString(), ...event }));
  const simulator = await startModelSimulator({ ...configuration.options, log: logLine });

  const shutDown = (signal: string): void => {
    logLine({ level: 'info', msg: 'model-simulator shutting down', signal, inFlight: simulator.stats().inFlight });
    simulator
      .close({ graceMs: configuration.shutdownGraceMs })
      .then(() => {
        logLine({ level: 'info', msg: 'model-simulator stopped', stats: simulator.stats() });
        cli.exit(0);
      })
      .catch((error: unknown) => {
        cli.stderr(`model-simulator: shutdown failed: ${String(error)}`);
        cli.exit(1);
      });
  };
  // Handlers go in before the listening line: whoever reads that line may signal right away.
  cli.onSignal('SIGTERM', () => shutDown('SIGTERM'));
  cli.onSignal('SIGINT', () => shutDown('SIGINT'));
  logLine({
    level: 'info',
    msg: 'model-simulator listening',
    url: simulator.url,
    port: simulator.port,
    pid: process.pid,
    settings: redactSettings(simulator.settings()),
  });
  return simulator;
}
