import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();

const POLL_INTERVAL_MS = 2000;
const MAX_RETRY_DELAY_MS = 30000;

let reloading = false;

// Poll a status endpoint while a file is still being checked. When the status
// is no longer "checking", reload so the server renders the final state.
function watchStatus(element) {
  const url = element.getAttribute("data-status-url");
  if (!url) {
    return;
  }

  let failures = 0;

  function schedule() {
    // Back off gently if the endpoint keeps failing.
    const delay = Math.min(POLL_INTERVAL_MS * 2 ** failures, MAX_RETRY_DELAY_MS);
    window.setTimeout(poll, delay);
  }

  async function poll() {
    if (reloading) {
      return;
    }

    let data;
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
      if (!response.ok) {
        throw new Error(`Status request failed: ${response.status}`);
      }
      data = await response.json();
      if (!data || typeof data.status !== "string") {
        throw new Error("Status response has no status");
      }
    } catch {
      failures += 1;
      schedule();
      return;
    }

    failures = 0;
    if (data.status === "checking") {
      schedule();
    } else if (!reloading) {
      reloading = true;
      window.location.reload();
    }
  }

  schedule();
}

document.querySelectorAll("[data-status-url]").forEach(watchStatus);
