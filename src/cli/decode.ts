/**
 * `npm run decode -- …`: the shell around `runDecode` (decode-core.ts). It reads stdin when the
 * command line asks for it, hands over a file reader, writes the result and sets the exit status.
 * A reader that goes away early (`| head -1`) ends the program quietly.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readsStdin, runDecode } from './decode-core.ts';

/** Stop quietly when whoever reads our output has gone away (EPIPE); anything else is a real error. */
function quietOnBrokenPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

async function readStdin(): Promise<string> {
  process.stdin.setEncoding('utf8');
  let text = '';
  for await (const chunk of process.stdin) text += chunk as string;
  return text;
}

async function main(): Promise<void> {
  quietOnBrokenPipe(process.stdout);
  quietOnBrokenPipe(process.stderr);
  const argv = process.argv.slice(2);
  const stdinText = readsStdin(argv, process.stdin.isTTY === true) ? await readStdin() : undefined;
  // https://no-color.org: colour only for a terminal, and never when NO_COLOR is set to anything.
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  // `npm run` starts us in the package's folder; a relative file name is the user's, from where they ran it.
  const base = process.env.INIT_CWD ?? process.cwd();
  const result = runDecode(argv, stdinText, (path) => readFileSync(resolve(base, path)), { color });
  process.exitCode = result.exitCode;
  if (result.stderr) process.stderr.write(result.stderr);
  if (result.stdout) process.stdout.write(result.stdout);
}

main().catch((err: unknown) => {
  process.stderr.write(`decode: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
