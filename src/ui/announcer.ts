/** The 25/50/75 % marks a screen reader hears: often enough to know it moves, rarely enough not to drown the page. */
const MILESTONES = [25, 50, 75] as const;

/**
 * Decides what the one polite live region says. Progress is told once per milestone per file;
 * a message replaces the previous one, and a repeated text is made distinct so it is read again.
 */
export class Announcer {
  message = '';
  readonly #reached = new Map<string, number>();
  #toggle = false;

  /** The milestone `percent` just passed for this file, if any. */
  milestone(id: string, percent: number): number | undefined {
    const passed = MILESTONES.filter((mark) => percent >= mark && percent < 100).at(-1);
    if (passed === undefined || passed <= (this.#reached.get(id) ?? 0)) return undefined;
    this.#reached.set(id, passed);
    return passed;
  }

  say(text: string): void {
    // A live region only speaks when its text changes; a no-break space keeps equal texts apart.
    this.#toggle = text === this.message.replace(/\u00a0$/, '') ? !this.#toggle : false;
    this.message = this.#toggle ? `${text}\u00a0` : text;
  }

  forget(id: string): void {
    this.#reached.delete(id);
  }
}
