/**
 * The seed's load balancer for real: nginx (Debian package) as a child process in front of the
 * relays, with its own `-c` config and `-p` prefix on loopback ports (shared/TOOLCHAIN.md).
 * Documents stick to a relay by `hash ... consistent` on the docId, taken from `?docId=` (the LFCC
 * URL) or from the path `/<docId>` (the y-websocket dialect's URL form). When a relay dies,
 * nginx marks it failed and the hash ring sends that document's reconnecting clients to another.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary } from "./find-binary.ts";
import { freePort } from "./free-port.ts";
import { waitForPort } from "./redis-server.ts";

export const NGINX_INSTALL_HINT = "nginx not found: install it (Debian/Ubuntu: `apt-get install -y nginx`)";

export interface LocalNginx {
  readonly port: number;
  stop(): Promise<void>;
}

/** The nginx.conf for relays on `relayPorts` (exported: tests and docs show it). */
export function nginxConfig(listenPort: number, relayPorts: number[], prefix: string): string {
  const servers = relayPorts.map((port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=2s;`).join("\n");
  return `daemon off;
worker_processes 1;
pid ${join(prefix, "nginx.pid")};
error_log ${join(prefix, "error.log")} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(prefix, "tmp")};
  proxy_temp_path ${join(prefix, "tmp")};
  fastcgi_temp_path ${join(prefix, "tmp")};
  uwsgi_temp_path ${join(prefix, "tmp")};
  scgi_temp_path ${join(prefix, "tmp")};
  # The document a request is for: ?docId=... (LFCC), else the path /<docId> (y-websocket).
  map $uri $lfcc_path_doc { ~^/(?<doc>[^/]+)$ $doc; default ""; }
  map $arg_docId $lfcc_doc { "" $lfcc_path_doc; default $arg_docId; }
  map $http_upgrade $lfcc_connection { default upgrade; "" close; }
  upstream lfcc_relays {
    hash $lfcc_doc consistent;
${servers}
  }
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://lfcc_relays;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $lfcc_connection;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_read_timeout 1h;
      proxy_connect_timeout 1s;
      proxy_next_upstream error timeout;
    }
  }
}
`;
}

export async function startNginx(relayPorts: number[], options: { binary?: string; port?: number } = {}): Promise<LocalNginx> {
  const binary = findBinary(options.binary ?? "nginx", ["/usr/sbin", "/usr/local/sbin", "/usr/bin"]);
  if (!binary) throw new Error(NGINX_INSTALL_HINT);
  const port = options.port ?? (await freePort());
  const prefix = mkdtempSync(join(tmpdir(), "lfcc-nginx-"));
  mkdirSync(join(prefix, "tmp"));
  const configFile = join(prefix, "nginx.conf");
  writeFileSync(configFile, nginxConfig(port, relayPorts, prefix));
  const child: ChildProcess = spawn(binary, ["-p", prefix, "-c", configFile, "-e", join(prefix, "error.log")], { stdio: "ignore" });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    await Promise.race([waitForPort(port, 10_000), exited.then(() => Promise.reject(new Error(`nginx exited at start (config ${configFile})`)))]);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    port,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
