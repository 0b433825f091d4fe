/**
 * A Dovecot of its own (port 31145, own folder) whose only login is `passdb { driver = oauth2 }`:
 * it asks the test authorisation server to introspect each token and compares the token's `email`
 * with the login name. Started and stopped by the test that uses it (needs root, as scripts/services.sh).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const OAUTH_DOVECOT_PORT = 31145;

export interface OAuthDovecot {
  port: number;
  dir: string;
  stop(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: "127.0.0.1", port });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** `port`: another than OAUTH_DOVECOT_PORT, so that test files using each their own may run side by side. */
export async function startOAuthDovecot(introspection: { url: string; clientId: string; clientSecret: string }, port = OAUTH_DOVECOT_PORT): Promise<OAuthDovecot> {
  if (await portOpen(port)) throw new Error(`port ${port} is taken: a Dovecot of an earlier run? stop it (see ${tmpdir()}/ab-oauth-dovecot-*/run/master.pid)`);
  const dir = mkdtempSync(join(tmpdir(), "ab-oauth-dovecot-"));
  chmodSync(dir, 0o755);
  for (const d of ["run", "state", "mail"]) mkdirSync(join(dir, d));
  execFileSync("chown", ["mail:mail", join(dir, "mail")]);
  const u = new URL(introspection.url);
  u.username = encodeURIComponent(introspection.clientId);
  u.password = encodeURIComponent(introspection.clientSecret);
  writeFileSync(
    join(dir, "oauth2.conf.ext"),
    [`introspection_mode = post`, `introspection_url = ${u.href}`, `username_attribute = email`, `active_attribute = active`, `active_value = true`, `tokeninfo_url =`, ""].join("\n"),
  );
  chmodSync(join(dir, "oauth2.conf.ext"), 0o644);
  const conf = join(dir, "dovecot.conf");
  writeFileSync(
    conf,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = xoauth2 oauthbearer
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 8
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${dir}/oauth2.conf.ext
}
userdb {
  driver = static
  args = uid=mail gid=mail home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
auth_failure_delay = 0
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`,
  );
  execFileSync("dovecot", ["-c", conf], { stdio: "ignore" });
  await waitFor(() => portOpen(port), `Dovecot on ${port} (see ${dir}/dovecot.log)`);
  return {
    port,
    dir,
    async stop() {
      const pid = Number(readFileSync(join(dir, "run", "master.pid"), "utf8").trim());
      process.kill(pid);
      await waitFor(async () => !(await portOpen(port)), `Dovecot on ${port} to stop`);
    },
  };
}
