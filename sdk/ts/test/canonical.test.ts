import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalize } from "../src/index.js";

test("canonicalize writes the EVENT_MODEL.md examples", () => {
  assert.equal(canonicalize(JSON.parse('{ "b": 1, "a": [1.0, 2e0] }')), '{"a":[1,2],"b":1}');
  assert.equal(canonicalize(JSON.parse('"\\u0041\\/\\u00e9"')), '"A/é"');
  assert.equal(canonicalize(JSON.parse("[1E30, 0.0000001, -0.0, 333333333.33333329]")), "[1e+30,1e-7,0,333333333.3333333]");
  assert.equal(canonicalize(JSON.parse('"\\u0009\\u001F"')), '"\\t\\u001f"');
});

test("canonicalize sorts keys by UTF-16 code units", () => {
  assert.equal(canonicalize({ "\ufb33": 1, "\ud83d\ude00": 2 }), '{"\ud83d\ude00":2,"\ufb33":1}');
});

test("canonicalize refuses lone surrogates, NaN and deep nesting", () => {
  assert.throws(() => canonicalize("\ud800"));
  assert.throws(() => canonicalize(Number.NaN));
  let deep: unknown = 1;
  for (let i = 0; i < 65; i++) deep = [deep];
  assert.throws(() => canonicalize(deep));
});
