/**
 * V8 compiles a regular expression at its first run to bytecode, and again to machine code at
 * its second, unless the first run's subject is 1,000 characters or longer: then it compiles it
 * to machine code at once. The scrubber's large expressions each run many times in a process's
 * first event, so each is run once over such a subject before its first real use, and compiled
 * once instead of twice: in Node 20 a typical event's first sanitizing took 15 ms instead of 33
 * and the second 0.6 ms instead of 1.5 (`node bench/core.mjs`, a fresh process's first event).
 * Engines without this tiering only scan the subject.
 *
 * The subject is one control character repeated. A global or sticky expression is tried at its
 * last character only; the others primed (key patterns and pre-checks) begin with an anchor or a
 * word, so each fails at every position at once. For the SDK's own expressions only: an app's
 * patterns keep whatever cost they have.
 */
const SUBJECT = '\u0001'.repeat(1000);

export function primeRegExp(pattern: RegExp): void {
  const { lastIndex } = pattern;
  try {
    pattern.lastIndex = SUBJECT.length - 1;
    pattern.test(SUBJECT);
  } catch {
    // Priming is only ever an optimization.
  }
  pattern.lastIndex = lastIndex;
}
