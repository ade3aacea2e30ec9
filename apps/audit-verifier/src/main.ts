import { runVerifier } from './run-verifier';

const io = { stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text) };

runVerifier(process.argv.slice(2), io)
  .then((code) => (process.exitCode = code))
  .catch((error: unknown) => {
    process.stderr.write(`audit-verifier: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  });
