/** `prefix_1`, `prefix_2`, ...: the first not in `taken`. */
export function freshId(prefix: string, taken: ReadonlySet<string>): string {
  for (let i = 1; ; i++) {
    const id = `${prefix}_${i}`;
    if (!taken.has(id)) return id;
  }
}
