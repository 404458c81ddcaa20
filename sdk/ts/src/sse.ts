/** One message of a Server-Sent Events stream (WHATWG HTML §9.2). */
export interface SseMessage {
  event: string;
  data: string;
  id: string | undefined;
}

/**
 * Parses an SSE byte stream into messages. A message is dispatched at a blank line; a message cut off by the end of
 * the stream (no blank line after it) is dropped, as the standard says. Comments (`:`) and `retry:` are ignored.
 */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder("utf-8");
  let buffer = "";
  let event = "";
  let data: string[] = [];
  let id: string | undefined;
  let sawField = false;
  const take = function* (line: string): Generator<SseMessage> {
    if (line === "") {
      if (sawField && data.length > 0) {
        yield { event: event || "message", data: data.join("\n"), id };
      }
      event = "";
      data = [];
      id = undefined;
      sawField = false;
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    sawField = true;
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id" && !value.includes("\0")) id = value;
  };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const cr = buffer.indexOf("\r", start);
      const lf = buffer.indexOf("\n", start);
      if (cr < 0 && lf < 0) break;
      let end: number;
      let next: number;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        if (cr === buffer.length - 1) break; // a CR at the end may be the first half of CRLF
        end = cr;
        next = buffer[cr + 1] === "\n" ? cr + 2 : cr + 1;
      } else {
        end = lf;
        next = lf + 1;
      }
      yield* take(buffer.slice(start, end));
      start = next;
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  // Whatever is left has no terminating blank line: a truncated message, dropped.
}
