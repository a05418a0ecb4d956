// A third-party peer for the hub: the JavaScript automerge-repo with its WebSocket adapter,
// as any automerge-repo application would connect. It joins with an invite's token, reads the
// project (its name), writes an override as a change of the document, and waits for the hub to
// hold it (or, for a viewer, until the hub has had every chance to). One JSON line on stdout.
//
// Usage (in tests/js-sync): node sync_client.mjs HUB_URL TOKEN DOC_ID FIELD [WAIT_MS]
import { Repo } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import * as A from "@automerge/automerge";

const [hub, token, docId, field, waitMs = "3000"] = process.argv.slice(2);
const peerId = `js-client-${Math.random().toString(36).slice(2, 10)}`;
const url = `${hub}?peer=${encodeURIComponent(peerId)}&invite=${encodeURIComponent(token)}`;
const repo = new Repo({ network: [new WebSocketClientAdapter(url, 500)], peerId, isEphemeral: false });

const fail = (message) => {
  console.log(JSON.stringify({ ok: false, error: message }));
  process.exit(1);
};
const timer = setTimeout(() => fail("timed out"), 30000);

const handle = await repo.find(`automerge:${docId}`);
const doc = handle.doc();
const name = JSON.parse(doc.meta.project_name);
const Scalar = A.ImmutableString ?? A.RawString;
const record = JSON.stringify({ field, value: 7, reason: "from the JavaScript client" });
const entry = {
  timestamp: new Date().toISOString(),
  user_id: peerId,
  workbench: "data",
  action: "override_value",
  summary: `Overrode '${field}' with 7 (from JavaScript)`,
  reversible: true,
};
handle.change(
  (d) => {
    d.overrides[field] = new Scalar(record);
  },
  { message: JSON.stringify({ v: 1, entry, kind: "action", touched: [{ section: "overrides", key: field }] }) },
);
const heads = A.getHeads(handle.doc());
// Give the hub time to take the change (or to refuse it).
await new Promise((r) => setTimeout(r, Number(waitMs)));
clearTimeout(timer);
console.log(JSON.stringify({ ok: true, project_name: name, heads }));
await repo.shutdown?.();
process.exit(0);
