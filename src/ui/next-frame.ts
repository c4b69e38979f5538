/**
 * Calls back at the next animation frame, or after `fallback` ms when no frame comes: a hidden
 * tab paints none, and what waits for a frame (the last progress of a file) must still happen.
 * Answers a function that cancels the call.
 */
export function afterNextFrame(callback: () => void, fallback = 250): () => void {
  let pending = true;
  const cancel = () => {
    pending = false;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
  const run = () => {
    if (!pending) return;
    cancel();
    callback();
  };
  const frame = requestAnimationFrame(run);
  const timer = setTimeout(run, fallback);
  return cancel;
}
