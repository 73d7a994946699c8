import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '@eventify/testing';

/**
 * A server process of our own for one fault stack, so stopping or killing it hurts nobody else: the
 * machine's shared Redis and FerretDB serve other test runs at the same time.
 */
export interface PrivateServer {
  url: string;
  port: number;
  /** kill -9, like a crash or an OOM kill. */
  kill(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

async function waitForPort(port: number, timeoutMs = 20_000): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function managed(command: string, args: () => string[], port: number, url: string, cleanup: () => Promise<void>): PrivateServer {
  let child: ChildProcess | undefined;
  let output = '';
  const server: PrivateServer = {
    url,
    port,
    async start() {
      child = spawn(command, args(), { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-5_000)));
      child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-5_000)));
      await waitForPort(port).catch((error: Error) => {
        throw new Error(`${command} did not start: ${error.message}\n${output}`);
      });
    },
    async kill() {
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      const exited = new Promise((r) => current.once('exit', r));
      current.kill('SIGKILL');
      await exited;
    },
    async close() {
      await server.kill();
      await cleanup();
    },
  };
  return server;
}

/**
 * Redis that persists every write before answering (AOF, fsync always), as production Redis must be
 * configured: a stream entry the bus acknowledged survives a restart.
 */
export async function privateRedis(): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'eventify-faults-redis-'));
  // Users kept in an ACL file (the harness saves the per-service users there), so they survive the restart too.
  writeFileSync(join(dir, 'users.acl'), '');
  const args = () => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--aclfile',
    join(dir, 'users.acl'),
  ];
  const server = managed('redis-server', args, port, `redis://127.0.0.1:${port}`, async () =>
    rmSync(dir, { recursive: true, force: true }),
  );
  await server.start();
  return server;
}

/** FerretDB on a PostgreSQL database of its own (created here, dropped on close). */
export async function privateFerretDb(postgresUrl: string, runId: string): Promise<PrivateServer> {
  const port = await freePort();
  const database = `ferretdb_faults_${runId}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create database "${database}"`);
  await admin.end();
  const backing = new URL(postgresUrl);
  backing.pathname = `/${database}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'eventify-faults-ferretdb-'));
  const binary = process.env.FERRETDB_BIN ?? join(homedir(), '.cache/eventify/bin/ferretdb-v1.24.2');
  const args = () => [
    `--postgresql-url=${backing.toString()}`,
    `--listen-addr=127.0.0.1:${port}`,
    '--telemetry=disable',
    '--debug-addr=-',
    '--log-level=error',
    `--state-dir=${stateDir}`,
  ];
  const server = managed(binary, args, port, `mongodb://127.0.0.1:${port}`, async () => {
    rmSync(stateDir, { recursive: true, force: true });
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`drop database if exists "${database}" with (force)`).catch(() => undefined);
    await client.end();
  });
  await server.start();
  return server;
}
