// Starts the app: opens a Reach session on ./pack (by its name; reach serve --pack-dir examples/express-basic/pack) and serves on PORT (default 3000). Ctrl+C closes the session.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReachClient } from "@reach/sdk";
import { createApp } from "./app.mjs";

const client = new ReachClient(); // REACH_URL, or http://127.0.0.1:8787 (`reach serve`)
const session = await client.openSession({ pack: "express-notes" });
const notesDir = process.env.NOTES_DIR ?? join(tmpdir(), "reach-express-notes");
const server = createApp({ session, notesDir }).listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}  (Reach session ${session.id})`);
});
process.once("SIGINT", async () => {
  server.close();
  const closed = await session.close();
  console.log(`session closed, fingerprint ${closed.fingerprint}`);
});
