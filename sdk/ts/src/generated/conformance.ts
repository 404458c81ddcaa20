/**
 * Compile-time checks that the SDK's hand-written wire types (../types.ts, narrower: integers as numbers, literal
 * unions) agree with the types generated from openapi/reach.openapi.json: they name no field the document lacks, and
 * they carry every field the document requires. A drift fails `tsc`.
 */
import type * as W from "../types.js";
import type { components } from "./openapi.js";

type S = components["schemas"];
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
/** `true` when Mine's fields are exactly the document's (required ones present, no extra ones), else the difference. */
type Agrees<Mine, Theirs> = [Exclude<keyof Mine, keyof Theirs>, Exclude<RequiredKeys<Theirs>, keyof Mine>] extends [never, never]
  ? true
  : { extra: Exclude<keyof Mine, keyof Theirs>; missing: Exclude<RequiredKeys<Theirs>, keyof Mine> };
type Assert<T extends true> = T;

export type Conformance = [
  Assert<Agrees<W.ToolCallResult, S["CallResponse"]>>,
  Assert<Agrees<W.Decision, S["DecisionBody"]>>,
  Assert<Agrees<W.DecideResult, S["DecideResponse"]>>,
  Assert<Agrees<W.ToolError, S["CallError"]>>,
  Assert<Agrees<W.SessionStatus, S["SessionBody"]>>,
  Assert<Agrees<W.SessionPage, S["SessionPage"]>>,
  Assert<Agrees<W.CloseResult, S["ClosedBody"]>>,
  Assert<Agrees<W.PackRef, S["PackRef"]>>,
  Assert<Agrees<W.Run, S["RunBody"]>>,
  Assert<Agrees<W.RunPage, S["RunPage"]>>,
  Assert<Agrees<W.RunVerification, S["VerifyBody"]>>,
  Assert<Agrees<W.RunReplay, S["ReplayBody"]>>,
];
