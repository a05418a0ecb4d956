// The generated client reaches every request of the core: the names the OpenAPI document's
// envelope lists (generated from the Rust `Request`) are exactly the client's, and each goes
// out through the transport in the core's envelope.
import { describe, expect, it } from "vitest";
import doc from "../../../crates/studio-server/src/openapi.json";
import { REQUEST_NAMES, StudioClient, type Request, type Transport } from "./client";

type Variant = { required: string[]; properties: Record<string, { const?: string }> };
const schemas = doc.components.schemas as unknown as Record<string, { oneOf?: Variant[] }>;
const variants: Variant[] = (schemas.EnvelopeInput ?? schemas.Envelope).oneOf ?? [];

describe("the generated client", () => {
  it("knows every request of the core, and no other", () => {
    const listed = variants.map((v) => v.properties.request.const).sort();
    expect([...REQUEST_NAMES].sort()).toEqual(listed);
    expect(listed.length).toBeGreaterThanOrEqual(38);
  });

  it("sends each one in the core's envelope", async () => {
    const sent: unknown[] = [];
    const transport: Transport = {
      send: async (envelope) => {
        sent.push(envelope);
        return null;
      },
      watch: () => () => {},
    };
    const client = new StudioClient(transport);
    for (const variant of variants) {
      const fields = Object.fromEntries(
        variant.required.map((f) => [f, f === "request" ? variant.properties.request.const : "x"]),
      );
      await client.request(fields as unknown as Request);
    }
    expect(sent).toHaveLength(variants.length);
    for (const [i, envelope] of sent.entries()) {
      expect(envelope).toMatchObject({ api_version: 1, request: variants[i].properties.request.const });
    }
  });
});
