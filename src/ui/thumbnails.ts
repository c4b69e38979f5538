/**
 * Object URLs of image previews, one per upload id. Each URL pins its file in memory, so it is
 * revoked as soon as its row leaves the list, and all are revoked when the element disconnects.
 */
export class Thumbnails {
  readonly #urls = new Map<string, string>();

  /** The preview URL of an `image/*` file or preview; undefined for any other type, or no image. */
  get(id: string, image: Blob | undefined): string | undefined {
    if (!image?.type.startsWith('image/') || image.size === 0) return undefined;
    let url = this.#urls.get(id);
    if (!url) {
      url = URL.createObjectURL(image);
      this.#urls.set(id, url);
    }
    return url;
  }

  /** Revokes the URLs of every id not in `ids()`, which is asked only while some URL is held. */
  keep(ids: () => Iterable<string>): void {
    if (this.#urls.size === 0) return;
    const kept = new Set(ids());
    for (const [id, url] of this.#urls) {
      if (kept.has(id)) continue;
      URL.revokeObjectURL(url);
      this.#urls.delete(id);
    }
  }

  clear(): void {
    this.keep(() => []);
  }
}
