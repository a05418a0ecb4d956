import { useEffect, useState } from "react";

import type { Backend } from "../api/backend";
import type { HubInfo } from "../api/types";

/**
 * "Share on this network": this computer becomes the hub collaborators connect to (over TLS,
 * with the certificate invites pin). The choice holds from one start of the app to the next.
 */
export function NetworkHub(props: { backend: Backend; fail: (e: unknown) => void; onChanged?: () => void }) {
  const { backend, fail, onChanged } = props;
  const [hub, setHub] = useState<HubInfo | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    backend.hubStatus().then(setHub).catch(fail);
  }, [backend, fail]);
  if (!hub || !hub.available) return null;
  const toggle = async (on: boolean) => {
    setBusy(true);
    try {
      setHub(await backend.shareOnNetwork(on));
      onChanged?.();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section data-testid="network-hub">
      <h3>This computer as the hub</h3>
      <label className="check">
        <input
          type="checkbox"
          checked={hub.on}
          disabled={busy}
          onChange={(e) => toggle(e.target.checked)}
          data-testid="share-on-network"
        />{" "}
        Share on this network
      </label>
      <p className="muted small" data-testid="hub-address">
        {hub.on
          ? `Collaborators connect to ${hub.url ?? hub.listen}; new invites name it.`
          : `Off: invites name ${hub.url ?? "no hub yet"}. On, Studio listens at ${hub.listen} (TLS).`}
      </p>
      {hub.on && (
        <p className="muted small">
          Certificate SHA-256 <code title={hub.fingerprint}>{hub.fingerprint.slice(0, 16)}…</code>: invites pin it.
        </p>
      )}
    </section>
  );
}
