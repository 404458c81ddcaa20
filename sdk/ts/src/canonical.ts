/**
 * RFC 8785 (JCS) canonical JSON, as docs/EVENT_MODEL.md "Canonical JSON" defines it: members sorted by UTF-16 code
 * units, only `"`, `\` and U+0000..U+001F escaped, numbers written as ECMAScript's Number.prototype.toString writes
 * them (which is exactly what String(number) does), -0 as 0, NaN and the infinities refused.
 */
const MAX_DEPTH = 64;

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\f": "\\f",
  "\r": "\\r",
};

// Matches what needs escaping, and lone surrogates (which have no canonical form).
const NEEDS_WORK = /["\\\u0000-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The canonical text of a string, quotes included; throws on a lone surrogate. */
export function canonicalString(value: string): string {
  if (!NEEDS_WORK.test(value)) {
    return `"${value}"`;
  }
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const ch = value[i] as string;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) {
        throw new TypeError("a string holds a lone surrogate, which has no canonical form");
      }
      out += ch + (value[i + 1] as string);
      i++;
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      throw new TypeError("a string holds a lone surrogate, which has no canonical form");
    }
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) {
      out += short;
    } else if (c < 0x20) {
      out += "\\u" + c.toString(16).padStart(4, "0");
    } else {
      out += ch;
    }
  }
  return out + '"';
}

/** The canonical text of a number; throws for NaN and the infinities. */
export function canonicalNumber(value: number): string {
  if (!Number.isFinite(value)) {
    throw new TypeError("NaN and the infinities have no JSON form");
  }
  return String(value); // String(-0) is "0"
}

/** The RFC 8785 canonical text of a JSON value; containers nest at most `maxDepth` deep (the value itself is level 1). */
export function canonicalize(value: unknown, maxDepth: number = MAX_DEPTH): string {
  return write(value, 0, maxDepth);
}

function write(value: unknown, depth: number, maxDepth: number): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return canonicalNumber(value);
    case "string":
      return canonicalString(value);
    case "object":
      break;
    default:
      throw new TypeError(`a ${typeof value} has no JSON form`);
  }
  if (depth >= maxDepth) {
    throw new RangeError(`arrays and objects nest at most ${maxDepth} deep`);
  }
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      out += write(value[i], depth + 1, maxDepth);
    }
    return out + "]";
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort(); // default sort compares UTF-16 code units, as RFC 8785 asks
  let out = "{";
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (!first) out += ",";
    first = false;
    out += canonicalString(key) + ":" + write(member, depth + 1, maxDepth);
  }
  return out + "}";
}
