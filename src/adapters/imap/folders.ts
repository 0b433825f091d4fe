/**
 * Folders as the server names them. Many servers (Cyrus, Courier, Exchange's older setups, every
 * Debian default) keep all folders below `INBOX.` with `.` between levels: the configured `Processed`
 * is `INBOX.Processed` there. Folders are resolved to full paths from NAMESPACE and LIST, compared
 * and created by full path; the Sent folder, when no name is configured, is the one LIST marks
 * `\Sent` (`Sent Items` on Microsoft, `[Gmail]/Sent Mail` on Google).
 *
 * A CREATE the server refuses is checked against a fresh LIST before it counts: Cyrus and Courier
 * answer NO without `[ALREADYEXISTS]` for a folder that exists, and another process may have made it
 * in between. A folder that cannot be had is a FolderError naming it, its setting and the server's
 * answer, in one line.
 */
import type { ImapFlow, ListResponse } from "imapflow";

export type FolderRole = "processed" | "quarantine" | "sent";

/** The configured names; `sent` absent: the folder LIST marks `\Sent`, else `Sent`. */
export interface FolderNames {
  processed: string;
  quarantine: string;
  sent?: string | undefined;
}

export interface Namespace {
  prefix: string;
  delimiter: string;
}

export interface FolderPlanLine {
  role: FolderRole;
  /** The full path on this server. */
  path: string;
  exists: boolean;
  /** How the path was found: the configured name, the `\Sent` special-use, or the default name. */
  via: "configured" | "special-use" | "default";
}

export type ResolvedFolders = Record<FolderRole, string>;

/** The setting that names each folder, for messages an operator acts on. */
export const FOLDER_SETTINGS: Record<FolderRole, string> = {
  processed: "IMAP_PROCESSED_FOLDER",
  quarantine: "IMAP_QUARANTINE_FOLDER",
  sent: "IMAP_SENT_FOLDER",
};

const DEFAULT_SENT_NAME = "Sent";

export class FolderError extends Error {
  readonly code = "imap_folder";
  constructor(
    readonly role: FolderRole,
    readonly path: string,
    readonly serverAnswer: string,
  ) {
    super(
      `IMAP folder "${path}" (${FOLDER_SETTINGS[role]}) cannot be used: the server answered "${serverAnswer}". ` +
        `Create it in the mailbox, or set ${FOLDER_SETTINGS[role]} to a folder that exists (see \`activation-bot mailbox check\`).`,
    );
    this.name = "FolderError";
  }
}

/** The server's words for a failed command: imapflow keeps the tagged response's text and code. */
export function serverAnswer(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { responseStatus?: string; responseText?: string; serverResponseCode?: string };
  if (e.responseText) {
    const code = e.serverResponseCode ? `[${e.serverResponseCode}] ` : "";
    return `${e.responseStatus ?? "NO"} ${code}${e.responseText}`;
  }
  return e.message;
}

/** The full path of a configured folder name: below the personal namespace's prefix unless it is there already. */
export function fullPath(ns: Namespace, name: string): string {
  if (name.toUpperCase() === "INBOX") return "INBOX";
  if (!ns.prefix || name.startsWith(ns.prefix)) return name;
  // `INBOX.x` written with another case of INBOX is the same folder (INBOX is case-insensitive).
  if (name.toUpperCase().startsWith(ns.prefix.toUpperCase()) && ns.prefix.toUpperCase().startsWith("INBOX")) {
    return ns.prefix + name.slice(ns.prefix.length);
  }
  return ns.prefix + name;
}

export function namespaceOf(client: ImapFlow): Namespace {
  const ns = client.namespace as { prefix?: string; delimiter?: string } | false | undefined;
  return { prefix: (ns && ns.prefix) || "", delimiter: (ns && ns.delimiter) || "/" };
}

/** Pure: where each folder is on a server with this namespace and this LIST. */
export function planFolders(ns: Namespace, list: Pick<ListResponse, "path" | "specialUse">[], names: FolderNames): FolderPlanLine[] {
  const paths = new Set(list.map((m) => m.path));
  const line = (role: FolderRole, name: string, via: FolderPlanLine["via"]): FolderPlanLine => {
    const path = fullPath(ns, name);
    return { role, path, exists: paths.has(path), via };
  };
  const sentByUse = list.find((m) => m.specialUse === "\\Sent");
  return [
    line("processed", names.processed, "configured"),
    line("quarantine", names.quarantine, "configured"),
    names.sent !== undefined
      ? line("sent", names.sent, "configured")
      : sentByUse
        ? { role: "sent", path: sentByUse.path, exists: true, via: "special-use" }
        : line("sent", DEFAULT_SENT_NAME, "default"),
  ];
}

/** Reads the server's folders and resolves the configured names to full paths (creates nothing). */
export async function readFolderPlan(client: ImapFlow, names: FolderNames): Promise<FolderPlanLine[]> {
  return planFolders(namespaceOf(client), await client.list(), names);
}

/**
 * Resolves the folders and creates the missing ones. Throws FolderError for a folder that neither
 * exists nor could be created.
 */
export async function ensureFolders(client: ImapFlow, names: FolderNames): Promise<ResolvedFolders> {
  const plan = await readFolderPlan(client, names);
  for (const f of plan.filter((l) => !l.exists)) await createFolder(client, f.role, f.path);
  return Object.fromEntries(plan.map((l) => [l.role, l.path])) as ResolvedFolders;
}

/** CREATE, where a NO counts only if a fresh LIST does not show the folder either. */
export async function createFolder(client: ImapFlow, role: FolderRole, path: string): Promise<void> {
  try {
    await client.mailboxCreate(path);
  } catch (err) {
    const again = await client.list().catch(() => null);
    if (again?.some((m) => m.path === path)) return;
    throw new FolderError(role, path, serverAnswer(err));
  }
}

/** Whether a failed command says its target folder does not exist (RFC 3501 TRYCREATE, RFC 5530 NONEXISTENT). */
export function isMissingFolder(err: unknown): boolean {
  const code = (err as { serverResponseCode?: unknown } | null)?.serverResponseCode;
  return code === "TRYCREATE" || code === "NONEXISTENT";
}
