import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * nginx from Debian as the baseline proxy: the same hop the gateway makes (plain HTTP in, mutual TLS with the
 * gateway's certificate out, kept-alive upstream connections, the service's certificate verified). Installed
 * with apt-get when missing and this process is root; otherwise the caller skips the baseline.
 */
export interface RunningNginx {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const CANDIDATES = ['/usr/sbin/nginx', '/usr/bin/nginx'];

/** The nginx binary, installing nginx-light first if need be; undefined (with the reason) when there is none. */
export function findNginx(): { binary?: string; reason?: string } {
  const found = () => CANDIDATES.find((path) => existsSync(path));
  if (found()) return { binary: found()! };
  if (process.getuid?.() !== 0)
    return { reason: 'nginx is not installed (apt-get install -y nginx-light) and this is not root to install it' };
  try {
    console.error('[bench] installing nginx-light (Debian) for the baseline');
    const apt = (...args: string[]) =>
      execFileSync('apt-get', args, { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    try {
      apt('install', '-y', '-qq', 'nginx-light');
    } catch {
      apt('update', '-qq');
      apt('install', '-y', '-qq', 'nginx-light');
    }
  } catch (error) {
    return { reason: `installing nginx-light failed: ${(error as Error).message.split('\n')[0]}` };
  }
  return found() ? { binary: found()! } : { reason: 'nginx-light installed but no nginx binary found' };
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

export interface NginxProxyOptions {
  binary: string;
  port: number;
  /** The service's https:// origin. */
  upstream: string;
  /** The service's DNS name in its certificate (e.g. auth-service). */
  upstreamName: string;
  /** MTLS_DIR of the identity nginx presents (the gateway's): tls.crt, tls.key, ca.crt. */
  identityDir: string;
}

/** Starts nginx in the foreground (its own temporary prefix), proxying everything to `upstream`; resolves once it listens. */
export async function startNginxProxy(options: NginxProxyOptions): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-nginx-'));
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
  const upstream = new URL(options.upstream);
  const file = (name: string) => join(options.identityDir, name);
  // Debian's defaults where they matter (worker_processes auto, access log on); upstream keep-alive as the
  // gateway's pool keeps its connections.
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;
worker_processes auto;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream service { server ${upstream.hostname}:${upstream.port}; keepalive 128; }
  server {
    listen 127.0.0.1:${options.port};
    location / {
      proxy_pass https://service;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_ssl_certificate ${file('tls.crt')};
      proxy_ssl_certificate_key ${file('tls.key')};
      proxy_ssl_trusted_certificate ${file('ca.crt')};
      proxy_ssl_verify on;
      proxy_ssl_name ${options.upstreamName};
      proxy_ssl_session_reuse on;
    }
  }
}
`,
  );
  const child: ChildProcess = spawn(options.binary, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    if (await portOpen(options.port)) return { url: `http://127.0.0.1:${options.port}`, pid: child.pid!, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`nginx did not start: ${stderr.trim()}`);
}
