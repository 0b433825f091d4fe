/** What the HTTP layer is given by the composition root (src/runtime/run.ts): it opens nothing itself. */
import type { FastifyBaseLogger } from "fastify";
import type { CommandResult, OpenCaseResult, TeamCommand } from "../app/case-commands.js";
import type { OpenCaseRequest } from "../core/case/open-case.js";
import type { DeskSpeech } from "../app/desk-speech.js";
import type { DeskDrafts } from "../app/drafts.js";
import type { DeskSettings } from "../app/desk-settings.js";
import type { AttachmentViews, BlobStore, CaseRepository, DeskMetrics, OperatorAlert, OverviewSource, Renderer } from "../app/ports.js";
import type { LooseFlagAction } from "../app/process-mail.js";
import type { Rules } from "../core/rules/rules.js";
import type { MailFacts } from "../core/types.js";
import type { Logins } from "./logins.js";
import type { UiLanguage } from "./pages/ui-language.js";
import type { Refused } from "../core/words/words.js";

export interface HttpDeps {
  store: CaseRepository;
  blobs: BlobStore;
  rules: Rules;
  renderer: Renderer;
  metrics: DeskMetrics;
  teamCommand(caseId: string, cmd: TeamCommand, by: string): Promise<CommandResult>;
  /** Opens a case (the CLI's `case open`) and hands its first mail to the outbox; without it the desk cannot open cases. */
  openCase?(req: OpenCaseRequest, by: string): Promise<OpenCaseResult>;
  /** Settles a flag tied to no case: resolved with a note, or its mail assigned to a case. */
  settleLooseFlag(
    flagId: string,
    action: LooseFlagAction,
    by: string,
  ): Promise<{ kind: "ok" } | Refused>;
  readiness(): Promise<{ ok: boolean; checks: Record<string, string> }>;
  /** The team speaks in the thread and triages held mail (speak-routes.ts); without it those routes answer 404. */
  speech?: DeskSpeech;
  /** Supervised mode's drafts: send, edit, discard (actions/draft-routes.ts); without it those routes answer 404. */
  drafts?: DeskDrafts;
  /** The desk's run-time settings (actions/settings-routes.ts); without it the Settings page answers 404. */
  settings?: DeskSettings;
  /** The operator alerts in force, shown as a banner on every page (src/runtime/operator-alerts.ts). */
  alerts?(): readonly OperatorAlert[];
  /** The store's overview figures (app/overview.ts); without it GET /overview answers 404. */
  overview?: OverviewSource;
  /** Opens a case's photos full size, its mails' HTML (case-attachments.ts); without it those pages answer 404. */
  attachments?: AttachmentViews;
  /** Parses a stored raw mail, for the case page's thread; without it the thread is not shown. */
  readMail?(blob: string): Promise<MailFacts>;
  /**
   * When set, every page and API route asks for HTTP Basic authentication against these logins, and
   * the login name is who acts. When absent, the desk's proxy is trusted to authenticate and to name
   * the team member in X-Team-Member. /healthz, /readyz and /metrics are open either way.
   */
  logins?: Logins;
  /**
   * Signs the desk's cookies (one-time notices, CSRF secrets). Instances behind one address need the
   * same one; a random secret per process when absent.
   */
  cookieSecret?: string;
  /**
   * The desk's language when neither the member's choice (cookie), her login's line nor her browser's
   * Accept-Language names one (UI_DEFAULT_LANGUAGE); Swedish when absent.
   */
  uiDefaultLanguage?: UiLanguage;
  /** The clock of sign-in sessions (Date.now when absent; tests move it). */
  now?: () => number;
  /** The process logger (pino); silent when absent. */
  logger?: FastifyBaseLogger;
}
