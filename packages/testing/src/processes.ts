import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

/** Repository root, found from this file's location (works from src and dist). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Status of a GET, or 0 when nothing answers. With `identityDir`, presents that certificate and trusts its CA
 * (a service, which requires a client certificate); otherwise accepts self-signed certificates (test servers).
 */
async function probeStatus(url: string, identityDir?: string): Promise<number> {
  if (url.startsWith('https:')) {
    const https = await import('node:https');
    const file = (name: string) => readFileSync(join(identityDir!, name));
    const tls = identityDir ? { cert: file('tls.crt'), key: file('tls.key'), ca: file('ca.crt') } : { rejectUnauthorized: false };
    return new Promise((resolve) => {
      const request = https.get(url, { ...tls, timeout: 1_000 }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', () => resolve(0));
      request.on('timeout', () => request.destroy());
    });
  }
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.status;
  } catch {
    return 0;
  }
}

/** A port nobody listens on right now. */
/**
 * A port nothing listens on, reserved for this test process. A stack picks all its ports before its processes
 * bind them (seconds later, on a busy machine), and the system may hand the same free port to another test process
 * meanwhile: two stacks would then plan one port, the first to bind would answer the other's readiness probe, and
 * the other's calls would reach a stranger (seen in CI: every call to one stack's event service refused by mutual
 * TLS, 502). So each port handed out is also claimed by a file that every test process respects for 10 minutes.
 */
export async function freePort(): Promise<number> {
  mkdirSync(PORT_CLAIMS, { recursive: true });
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await unboundPort();
    const claim = join(PORT_CLAIMS, String(port));
    if (claimFile(claim)) return port;
  }
  throw new Error(`no free port that another test process has not claimed (see ${PORT_CLAIMS})`);
}

const PORT_CLAIMS = join(tmpdir(), 'eventify-port-claims');
const CLAIM_MS = 10 * 60_000;

/** Create `file` unless it exists and is recent; true when this process now holds the claim. */
function claimFile(file: string): boolean {
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    try {
      if (Date.now() - statSync(file).mtimeMs < CLAIM_MS) return false;
      rmSync(file, { force: true }); // an old claim: its stack bound the port long ago, or is gone
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch {
      return false; // another process took it first
    }
  }
}

function unboundPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningProcess {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process printed so far (for failure messages). */
  output(): string;
  /** SIGTERM, then SIGKILL if it is still alive after `graceMs`. Resolves with the exit code/signal. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

export interface StartProcessOptions {
  name: string;
  /** Entry file relative to the repo root, e.g. services/auth/src/main.ts */
  entry: string;
  env: Record<string, string>;
  port: number;
  /** Path polled until it answers 200. */
  readyPath?: string;
  readyTimeoutMs?: number;
  /** Print the process's output as it comes (with a name prefix). */
  echo?: boolean;
  protocol?: 'http' | 'https';
}

/**
 * Start a TypeScript entry point as its own Node process (through tsx, reading workspace packages from
 * source) and wait until it is ready. Real processes, real ports: what the tests exercise is what runs.
 */
/**
 * How to run an entry point: the compiled JavaScript when the test runner has just built it
 * (EVENTIFY_TEST_COMPILED=1, set by scripts/run-tests.mjs after `tsc -b`) — several times cheaper to start
 * than compiling TypeScript in every process — otherwise the source through tsx.
 */
function processArgs(entry: string): string[] {
  const compiled = resolve(REPO_ROOT, entry.replace('/src/', '/dist/').replace(/\.ts$/, '.js'));
  if (process.env.EVENTIFY_TEST_COMPILED === '1' && existsSync(compiled)) return ['--enable-source-maps', compiled];
  return ['--conditions=development', '--import', 'tsx', resolve(REPO_ROOT, entry)];
}

export async function startProcess(options: StartProcessOptions): Promise<RunningProcess> {
  const child = spawn(process.execPath, processArgs(options.entry), {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn', ...options.env, PORT: String(options.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-20_000);
    if (options.echo) process.stderr.write(text.replace(/^/gm, `[${options.name}] `));
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.once('exit', (code, signal) => resolveExit({ code, signal })),
  );
  // A service given MTLS_DIR serves mutual TLS: its readiness is asked for with its own certificate. (The
  // gateway's MTLS_DIR is for its calls to the services; its public side is plain HTTP or TLS_CERT_FILE's.)
  const mtlsDir = options.entry.startsWith('gateway/src/') ? undefined : options.env.MTLS_DIR;
  const url = `${mtlsDir ? 'https' : (options.protocol ?? 'http')}://127.0.0.1:${options.port}`;
  const running: RunningProcess = {
    name: options.name,
    url,
    port: options.port,
    child,
    output: () => output,
    async stop(graceMs = 5_000) {
      const started = Date.now();
      if (child.exitCode !== null || child.signalCode !== null) return { ...(await exited), ms: 0 };
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return { ...result, ms: Date.now() - started };
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  const readyUrl = url + (options.readyPath ?? '/readyz');
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${options.name} exited with code ${child.exitCode} before it was ready:\n${output}`);
    }
    if ((await probeStatus(readyUrl, mtlsDir)) === 200) return running;
    await new Promise((r) => setTimeout(r, 100));
  }
  await running.stop();
  throw new Error(`${options.name} was not ready at ${readyUrl} within the time limit:\n${output}`);
}
