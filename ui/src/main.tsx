import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { HttpBackend } from "./api/http";
import { TauriBackend, inTauri } from "./api/tauri";
import { App } from "./components/App";
import "./styles.css";

// Opened as /?token=…: the server has set its cookie; drop the token from the address bar.
if (new URLSearchParams(window.location.search).has("token")) {
  window.history.replaceState(null, "", window.location.pathname);
}

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App backend={inTauri() ? new TauriBackend() : new HttpBackend()} />
    </StrictMode>,
  );
}
