/** A domain list with a suffix walk: the filter's decision for the benchmark's block list. */
export function domainListDecider(domains: string[]): (name: string) => { block: boolean } {
  const set = new Set(domains);
  return (name) => {
    let i = -1;
    do {
      if (set.has(i < 0 ? name : name.slice(i + 1))) return { block: true };
      i = name.indexOf('.', i + 1);
    } while (i >= 0);
    return { block: false };
  };
}
