/** Counts animation frames from now on: `current` is the number of the frame in progress. */
export function countFrames(): { readonly current: number; stop(): void } {
  let current = 0;
  let counting = true;
  const tick = () => {
    current++;
    if (counting) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return {
    get current() {
      return current;
    },
    stop: () => {
      counting = false;
    },
  };
}
