/**
 * Issue 3, end to end on a real Dovecot, Redis and SMTP relay: one case thread from the first
 * activation mail to the next stage (after the team verifies the account), an unmatched mail, and a
 * restart in the middle (the suite is thread-suite.ts, also run on a Redis Cluster).
 */
import { threadSuite } from "./thread-suite.js";

threadSuite("one case thread on the real servers");
