/** One matcher under test, behind the same shape (as ghostery/adblocker's bench/comparison does). */
export interface Engine {
  name: string;
  /** Compiles the listed domains and returns the serialised form. */
  build(domains: readonly string[]): Uint8Array;
  /** Loads the serialised form; returns a matcher that says whether a URL is blocked. */
  load(bytes: Uint8Array): (url: string) => boolean;
}
