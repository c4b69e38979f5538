/** Elements whose browser takes custom states only in the old dashed form (Chromium 90–124). */
const dashed = new WeakSet<ElementInternals>();

/**
 * Turns a custom state (`:state(name)`) on or off. Custom states only add styling hooks, so a
 * browser without them (Safari before 17.4, Firefox before 126) simply gets none; Chromium 90–124
 * throws on a plain name and gets `--name` instead, which its `:--name` selector matches.
 */
export function setCustomState(internals: ElementInternals, state: string, on: boolean): void {
  const states = internals.states as Set<string> | undefined;
  if (!states) return;
  const name = dashed.has(internals) ? `--${state}` : state;
  try {
    // Setting a state that is already set still restyles the element, and statuses change often.
    if (states.has(name) === on) return;
    if (on) states.add(name);
    else states.delete(name);
  } catch (error) {
    if (dashed.has(internals)) throw error;
    dashed.add(internals);
    setCustomState(internals, state, on);
  }
}
