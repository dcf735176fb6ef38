/**
 * A memo of expanded card rows (see `render.ts`, partials) keyed by the row's data, field by field.
 *
 * Why not `JSON.stringify(row)` as the key: a what's-next row carries a paragraph of text, so
 * serializing it, hashing the new key string and looking it up cost about 3.3 µs per row, 23 rows
 * per checklist card (measured on the bench machine). Here the key is a path through nested maps:
 * field name, then field value. The strings of a row come from the translator's memo and from the
 * record, so a repeated row is made of the same string objects, whose hashes V8 has already
 * computed: a lookup is about two map reads per field. Object-valued fields (a button's data) are
 * keyed by their JSON text under a branch of their own, so the object `{"a":1}` and the string
 * '{"a":1}' never meet.
 *
 * Bounded: once `max` rows are remembered the memo starts over (an empty memo costs one expansion
 * per row shown, about 10 µs each, and fills again within a few turns).
 */

/** Marks the branch of an object-valued field (its JSON text is the next key). */
const OBJECT = Symbol('object');
/** Where a complete row's entry sits, after its last field. */
const END = Symbol('end');

type Node = Map<unknown, unknown>;

/** Expanded rows by their data (flat objects: strings, numbers, booleans, null, or small JSON objects). */
export class RowMemo<V> {
  #root: Node = new Map();
  #size = 0;

  /** @param max rows kept before the memo starts over (>= 1). */
  constructor(readonly max: number) {}

  /** Rows remembered now. */
  get size(): number {
    return this.#size;
  }

  /** The entry remembered for `row` (same field names in the same order, same values), or undefined. */
  get(row: Readonly<Record<string, unknown>>): V | undefined {
    const node = this.#leaf(row, false);
    return node?.get(END) as V | undefined;
  }

  /** Remembers `value` for `row`; starts over first when `max` rows are remembered. */
  set(row: Readonly<Record<string, unknown>>, value: V): void {
    if (this.#size >= this.max) {
      this.#root = new Map();
      this.#size = 0;
    }
    const node = this.#leaf(row, true)!;
    if (!node.has(END)) this.#size++;
    node.set(END, value);
  }

  /** The node after `row`'s last field; created along the way when `create`, else undefined at the first miss. */
  #leaf(row: Readonly<Record<string, unknown>>, create: boolean): Node | undefined {
    let node: Node | undefined = this.#root;
    for (const field in row) {
      const value = row[field];
      node = step(node, field, create);
      if (node && value !== null && typeof value === 'object') node = step(step(node, OBJECT, create), JSON.stringify(value), create);
      else if (node) node = step(node, value, create);
      if (!node) return undefined;
    }
    return node;
  }
}

function step(node: Node | undefined, key: unknown, create: boolean): Node | undefined {
  if (!node) return undefined;
  let next = node.get(key) as Node | undefined;
  if (!next && create) node.set(key, (next = new Map()));
  return next;
}
