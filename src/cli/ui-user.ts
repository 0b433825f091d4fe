/**
 * `activation-bot ui-user NAME`: the line for a team member in UI_USERS_FILE. The password is read
 * from the terminal without echo (asked twice), or as the first line of a pipe; only its scrypt hash
 * is printed, never the password.
 */
import { createInterface } from "node:readline";
import { hashPassword, isLoginName, passwordProblem } from "../http/logins.js";
import { UsageError } from "./usage-error.js";

export async function uiUserCommand(name: string): Promise<void> {
  if (!isLoginName(name)) throw new UsageError(`ui-user: "${name}" is not a login name (1–80 characters, no spaces, colons or control characters)`);
  const password = process.stdin.isTTY ? await askTwice(name) : await firstLine();
  const problem = passwordProblem(password);
  if (problem) throw new UsageError(`ui-user: ${problem}`);
  process.stdout.write(`${name}:${await hashPassword(password)}\n`);
}

async function firstLine(): Promise<string> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return "";
}

async function askTwice(name: string): Promise<string> {
  const first = await ask(`Password for ${name}: `);
  const again = await ask("Again: ");
  if (first !== again) throw new UsageError("ui-user: the two passwords differ");
  return first;
}

/** One line from the terminal, typed without echo (raw mode); Ctrl-C or Ctrl-D gives up. */
function ask(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let typed = "";
    const done = (end: () => void) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      end();
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done(() => resolve(typed));
        if (ch === "\u0003" || ch === "\u0004") return done(() => reject(new UsageError("ui-user: cancelled")));
        if (ch === "\u007f" || ch === "\b") typed = [...typed].slice(0, -1).join("");
        else if (ch >= " ") typed += ch;
      }
    };
    stdin.on("data", onData);
  });
}
