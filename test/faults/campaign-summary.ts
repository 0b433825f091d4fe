/**
 * Sums up a fault campaign's record (the JSON lines `npm run faults` appends with FAULTS_RECORD):
 * one JSON line per scenario — runs, runs that failed to finish, mails, lost, stuck, wrong flags,
 * duplicates (and the measured send window), reused ids, recovery p95 and max, the 1st and 8th
 * reconnect of repeated_cuts, and the load the runs saw.
 * `npx tsx test/faults/campaign-summary.ts bench/results/faults-<date>.jsonl [--markdown]`
 */
import { readFileSync } from "node:fs";
import type { Figures, RecoveryBreakdown } from "./fault-rig.js";
import { percentile } from "./fault-rig.js";

interface RunLine {
  scenario: string;
  round: number;
  cases: number;
  error?: string;
  figures?: Figures;
  recoveryMs?: number[];
  notes?: {
    reconnectMs?: number[] | number;
    sendWindowMs?: { p50: number; p95: number; max: number };
    startupMs?: number;
    breakdown?: RecoveryBreakdown;
    lostByCut?: { ledger: number; ledgerOfProcessedMail: number; outbox: number; sentMarks: number };
    restored?: { ledger: number; outbox: number; sentMarks: number };
  };
  load1: [number, number];
}

const [file, format] = process.argv.slice(2);
if (!file) throw new Error("usage: campaign-summary.ts <record.jsonl> [--markdown]");
const lines = readFileSync(file, "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as RunLine);

const byScenario = new Map<string, RunLine[]>();
for (const l of lines) byScenario.set(l.scenario, [...(byScenario.get(l.scenario) ?? []), l]);

const rows = [...byScenario].map(([scenario, runs]) => {
  const done = runs.filter((r) => r.figures);
  const sum = (k: keyof Figures) => done.reduce((s, r) => s + (r.figures?.[k] ?? 0), 0);
  const recovery = done.flatMap((r) => r.recoveryMs ?? []);
  const cuts = done.map((r) => r.notes?.reconnectMs).filter((c): c is number[] => Array.isArray(c) && c.length > 0);
  const breakdowns = done.map((r) => r.notes?.breakdown).filter((b): b is RecoveryBreakdown => b !== undefined);
  const of = (f: (b: RecoveryBreakdown) => number | null) => breakdowns.map(f).filter((n): n is number => typeof n === "number" && Number.isFinite(n));
  const cutLoss = done.map((r) => r.notes?.lostByCut).filter((c) => c !== undefined);
  const restored = done.map((r) => r.notes?.restored).filter((c) => c !== undefined);
  const windows = done.map((r) => r.notes?.sendWindowMs).filter((w) => w !== undefined);
  const loads = runs.flatMap((r) => r.load1);
  const startups = done.map((r) => r.notes?.startupMs).filter((n): n is number => typeof n === "number");
  // bot_sigkill: the recovery less the restart's start-up (Node loading the bot), what the locks and sweeps take.
  const afterRestart = done.filter((r) => typeof r.notes?.startupMs === "number").map((r) => (r.recoveryMs?.[0] ?? 0) - (r.notes?.startupMs ?? 0));
  return {
    scenario,
    runs: done.length,
    failed_runs: runs.length - done.length,
    errors: runs.filter((r) => r.error).map((r) => r.error?.slice(0, 160)),
    cases: [...new Set(runs.map((r) => r.cases))],
    mails: sum("mails"),
    lost: sum("lost"),
    stuck: sum("stuck"),
    unanswered: sum("unanswered"),
    wrong_flags: sum("wrongFlags"),
    quarantined: sum("quarantined"),
    duplicated: sum("duplicated"),
    sent_duplicates: sum("sentDuplicates"),
    runs_with_duplicates: done.filter((r) => (r.figures?.duplicated ?? 0) > 0).length,
    reused_ids: sum("reusedIds"),
    unrecorded: sum("unrecorded"),
    unrecorded_sends: sum("unrecordedSends"),
    recovery_p50_ms: percentile(recovery, 50),
    recovery_p95_ms: percentile(recovery, 95),
    recovery_max_ms: percentile(recovery, 100),
    ...(cuts.length ? { reconnect_1st_p50_ms: percentile(cuts.map((c) => c[0] ?? 0), 50), reconnect_8th_p50_ms: percentile(cuts.map((c) => c.at(-1) ?? 0), 50), reconnect_1st_max_ms: percentile(cuts.map((c) => c[0] ?? 0), 100), reconnect_8th_max_ms: percentile(cuts.map((c) => c.at(-1) ?? 0), 100) } : {}),
    ...(windows.length ? { send_window_p50_ms: percentile(windows.map((w) => w.p50), 50), send_window_p95_ms_median: percentile(windows.map((w) => w.p95), 50), send_window_max_ms: Math.max(...windows.map((w) => w.max)) } : {}),
    ...(startups.length ? { restart_p50_ms: percentile(startups, 50), restart_max_ms: percentile(startups, 100), after_restart_p95_ms: percentile(afterRestart, 95), after_restart_max_ms: percentile(afterRestart, 100) } : {}),
    ...(breakdowns.length
      ? {
          backlog_p50: percentile(of((b) => b.backlog), 50),
          first_taken_p95_ms: percentile(of((b) => b.firstTakenMs), 95),
          backlog_done_p95_ms: percentile(of((b) => b.backlogDoneMs), 95),
          mails_per_s_p50: percentile(of((b) => b.mailsPerSecond), 50),
          last_sent_p95_ms: percentile(of((b) => b.lastSentMs), 95),
          stalled_jobs: of((b) => b.stalledJobs).reduce((a, b) => a + b, 0),
        }
      : {}),
    ...(cutLoss.length
      ? {
          // A run whose cut took no commit of a mail already in Processed proved nothing (it passes vacuously).
          runs_cut_lost_no_processed_commit: cutLoss.filter((c) => c.ledgerOfProcessedMail === 0).length,
          cut_lost_ledger: cutLoss.reduce((a, c) => a + c.ledger, 0),
          cut_lost_ledger_of_processed: cutLoss.reduce((a, c) => a + c.ledgerOfProcessedMail, 0),
          cut_lost_outbox: cutLoss.reduce((a, c) => a + c.outbox, 0),
          cut_lost_sent_marks: cutLoss.reduce((a, c) => a + c.sentMarks, 0),
          restored_ledger: restored.reduce((a, c) => a + c.ledger, 0),
          restored_outbox: restored.reduce((a, c) => a + c.outbox, 0),
          restored_sent_marks: restored.reduce((a, c) => a + c.sentMarks, 0),
        }
      : {}),
    load1_min: loads.length ? Math.min(...loads) : null,
    load1_max: loads.length ? Math.max(...loads) : null,
  };
});

if (format === "--markdown") {
  console.log("| scenario | runs (failed) | mails | lost | stuck | unanswered | unrecorded (mails / sends) | wrong flags | duplicates (runs) | reused ids | recovery p95 / max | load |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(`| ${r.scenario} | ${r.runs} (${r.failed_runs}) | ${r.mails} | ${r.lost} | ${r.stuck} | ${r.unanswered} | ${r.unrecorded} / ${r.unrecorded_sends} | ${r.wrong_flags} | ${r.duplicated} (${r.runs_with_duplicates}) | ${r.reused_ids} | ${s(r.recovery_p95_ms)} / ${s(r.recovery_max_ms)} | ${r.load1_min}–${r.load1_max} |`);
  }
} else {
  for (const r of rows) console.log(JSON.stringify(r));
}
