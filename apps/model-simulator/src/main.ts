import { runCli } from './cli/run-cli';

runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  onSignal: (signal, listener) => process.once(signal, listener),
  exit: (code) => {
    process.exitCode = code;
    // Let pending stdout writes drain; every server handle is already closed at this point.
    setImmediate(() => process.exit(code));
  },
}).catch((error: unknown) => {
  process.stderr.write(`model-simulator: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
