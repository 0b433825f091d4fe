/**
 * Who may use the review UI and the JSON API when the desk has no authenticating proxy in front:
 * team members listed in a users file (UI_USERS_FILE), each with a scrypt hash of their password,
 * checked on HTTP Basic authentication. The login name is then the team member the timeline records.
 *
 * A users file holds one `name:hash` per line (`#` starts a comment); `activation-bot ui-user NAME`
 * makes the line. An optional `:role` after the hash (viewer, agent, admin) sets what the login may do;
 * without it the login is an agent. An optional `:sv` or `:en` after that (or in the role's place) is
 * the desk's language for the login until she picks another with the switch in the top bar
 * (`maja:scrypt$…:agent:sv`, `olle:scrypt$…:en`); without it the browser's language decides. scrypt with N = 2^14, r = 8 (16 MB, some 40 ms here) makes guessing slow; a login
 * that passed is remembered for LOGIN_CACHE_MS (by a digest of its header, never the password itself),
 * so a page and its thumbnails cost one check, not one each.
 *
 * Guessing is also bounded in time: one scrypt runs at a time (it runs on the thread pool, which the
 * blob store's file writes share, so a flood of logins must not hold up mail), and after MAX_FAILURES
 * wrong passwords for one name from one address within FAILURE_WINDOW_MS that pair is refused without a
 * check until the window has passed since its first failure. By name and address, so that one person
 * mistyping does not lock out the colleagues behind the same office address.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import type { Role } from "./security/roles.js";
import { DEFAULT_ROLE, isRole } from "./security/roles.js";
import { MAX_MEMBER_CHARS } from "./team-requests.js";
import type { UiLanguage } from "./pages/ui-language.js";
import { isUiLanguage } from "./pages/ui-language.js";

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

const N = 16_384;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Enough for N = 2^16 at r = 8, the most a users file may ask for. */
const MAX_MEM = 128 * 65_536 * 8 + 1024 * 1024;
export const MIN_PASSWORD_CHARS = 12;
const LOGIN_CACHE_MS = 5 * 60_000;
const LOGIN_CACHE_MAX = 1000;
const MAX_FAILURES = 10;
const FAILURE_WINDOW_MS = 10 * 60_000;
/** Address-and-name pairs whose failures are counted; past this the oldest is forgotten. */
const FAILURE_PAIRS_MAX = 10_000;
/** A login name: what the timeline shows as the one who acted, so bound like any team member's name. */
const NAME = new RegExp(`^[^\\s:\\u0000-\\u001f\\u007f]{1,${MAX_MEMBER_CHARS}}$`);

export type LoginCheck =
  | { kind: "ok"; name: string; role: Role }
  /** No header, an unknown name or the wrong password. */
  | { kind: "refused" }
  /** Too many wrong passwords for this name from this client lately: not checked. */
  | { kind: "throttled"; retryAfterS: number };

export interface Logins {
  /** Checks an `Authorization` header from `client` (its address). */
  check(authorization: string | undefined, client: string): Promise<LoginCheck>;
  /** The role of a listed login (a signed-in session's), or null when the name is no longer listed. */
  roleOf(name: string): Role | null;
  /** The desk language a listed login's line names, or null (none named, or no longer listed). */
  languageOf(name: string): UiLanguage | null;
  /** Every login with its role and language, in the file's order: never a hash. */
  list(): LoginListing[];
  readonly users: number;
}

/** One login as the admin's Users page shows it. */
export interface LoginListing {
  name: string;
  role: Role;
  lang: UiLanguage | null;
}

/** A users-file line: the password hash and what the login may do. */
export interface UserEntry {
  hash: PasswordHash;
  role: Role;
  /** The login's desk language when the line names one. */
  lang?: UiLanguage;
}

export interface PasswordHash {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

/** What is wrong with a new password, or null. */
export function passwordProblem(password: string): string | null {
  return [...password].length < MIN_PASSWORD_CHARS ? `a password must be at least ${MIN_PASSWORD_CHARS} characters` : null;
}

export async function hashPassword(password: string): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new Error(problem);
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(password.normalize("NFC"), salt, KEY_BYTES, { N, r: R, p: P, maxmem: MAX_MEM });
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export function isLoginName(name: string): boolean {
  return NAME.test(name);
}

function parseHash(text: string): PasswordHash | null {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/.exec(text);
  if (!m) return null;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const powerOfTwo = n >= 1024 && n <= 65_536 && (n & (n - 1)) === 0;
  if (!powerOfTwo || r < 1 || r > 8 || p < 1 || p > 4) return null;
  return { n, r, p, salt: Buffer.from(m[4] as string, "base64url"), key: Buffer.from(m[5] as string, "base64url") };
}

/** Reads a users file's text; throws naming the first bad line. */
export function parseUsersFile(text: string): Map<string, UserEntry> {
  const users = new Map<string, UserEntry>();
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const at = line.indexOf(":");
    const name = line.slice(0, Math.max(0, at));
    const [hashText = "", ...rest] = line.slice(at + 1).split(":");
    // `:role:lang`, `:role`, `:lang` or nothing: a language may stand in the role's place.
    const [roleText, langText, ...extra] = rest.length > 0 && isUiLanguage(rest[0]) ? [DEFAULT_ROLE, ...rest] : rest;
    const role = roleText ?? DEFAULT_ROLE;
    const hash = parseHash(hashText);
    if (at <= 0 || !isLoginName(name) || !hash || extra.length > 0) {
      throw new Error(`line ${i + 1}: expected "name:scrypt$…" as made by \`activation-bot ui-user NAME\`, optionally followed by ":viewer", ":agent" or ":admin" and then ":sv" or ":en"`);
    }
    if (!isRole(role)) throw new Error(`line ${i + 1}: unknown role "${role}": the roles are viewer, agent and admin`);
    if (langText !== undefined && !isUiLanguage(langText)) throw new Error(`line ${i + 1}: unknown desk language "${langText}": the languages are sv and en`);
    if (users.has(name)) throw new Error(`line ${i + 1}: ${name} is listed twice`);
    users.set(name, { hash, role, ...(langText !== undefined ? { lang: langText } : {}) });
  }
  if (users.size === 0) throw new Error("no user in the file");
  return users;
}

type Derive = (password: string, h: PasswordHash) => Promise<Buffer>;

const scryptDerive: Derive = (password, h) => scryptAsync(password, h.salt, h.key.length, { N: h.n, r: h.r, p: h.p, maxmem: MAX_MEM });

/** `now` and `derive` (the key derivation, scrypt) can be replaced in unit tests. */
export function createLogins(users: Map<string, UserEntry>, opts: { now?: () => number; derive?: Derive } = {}): Logins {
  const now = opts.now ?? Date.now;
  const derive = opts.derive ?? scryptDerive;
  const passed = new Map<string, { name: string; role: Role; until: number }>();
  const failures = new Map<string, { first: number; count: number }>();
  // Unknown names are checked against this, so that a wrong name takes as long as a wrong password.
  const decoy: PasswordHash = { n: N, r: R, p: P, salt: randomBytes(SALT_BYTES), key: randomBytes(KEY_BYTES) };
  let running: Promise<unknown> = Promise.resolve();

  /** One scrypt at a time, in arrival order. */
  function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const result = running.then(work, work);
    running = result.catch(() => undefined);
    return result;
  }

  function failed(key: string): LoginCheck {
    const f = failures.get(key);
    if (f) f.count++;
    else {
      if (failures.size >= FAILURE_PAIRS_MAX) failures.delete(failures.keys().next().value as string);
      failures.set(key, { first: now(), count: 1 });
    }
    return { kind: "refused" };
  }

  return {
    users: users.size,
    roleOf: (name) => users.get(name)?.role ?? null,
    languageOf: (name) => users.get(name)?.lang ?? null,
    list: () => [...users].map(([name, u]) => ({ name, role: u.role, lang: u.lang ?? null })),
    async check(authorization, client) {
      const m = /^Basic ([A-Za-z0-9+/=]{1,1024})$/i.exec(authorization?.trim() ?? "");
      if (!m?.[1]) return { kind: "refused" };
      const digest = createHash("sha256").update(m[1]).digest("base64");
      const known = passed.get(digest);
      if (known && known.until > now()) return { kind: "ok", name: known.name, role: known.role };
      passed.delete(digest);

      const decoded = Buffer.from(m[1], "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      const name = decoded.slice(0, Math.max(0, colon));
      const key = `${client} ${name}`;
      const f = failures.get(key);
      if (f && now() - f.first >= FAILURE_WINDOW_MS) failures.delete(key);
      else if (f && f.count >= MAX_FAILURES) return { kind: "throttled", retryAfterS: Math.ceil((f.first + FAILURE_WINDOW_MS - now()) / 1000) };
      if (colon <= 0) return failed(key);

      const user = users.get(name);
      const h = user?.hash ?? decoy;
      const derived = await oneAtATime(() => derive(decoded.slice(colon + 1).normalize("NFC"), h));
      if (!user || !timingSafeEqual(derived, h.key)) return failed(key);

      if (passed.size >= LOGIN_CACHE_MAX) passed.delete(passed.keys().next().value as string);
      passed.set(digest, { name, role: user.role, until: now() + LOGIN_CACHE_MS });
      return { kind: "ok", name, role: user.role };
    },
  };
}
