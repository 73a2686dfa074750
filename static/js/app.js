import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();

const POLL_INTERVAL_MS = 2000;
const MAX_RETRY_DELAY_MS = 30000;

let reloading = false;

// Work is pending while the endpoint says so ({"pending": true}); endpoints that say nothing of
// it report pending work as the status "checking".
function isPending(data) {
  if (typeof data.pending === "boolean") {
    return data.pending;
  }
  return data.status === "checking";
}

// Copy the status into the page: text into [data-status-text="key"], a link into
// [data-status-href="key"], and show only the [data-status-when="status ..."] parts that match.
// Text is only written when it changes, so a live region announces changes, not every poll.
function showStatus(element, data) {
  element.querySelectorAll("[data-status-text]").forEach((node) => {
    const value = data[node.getAttribute("data-status-text")];
    if (typeof value === "string" && node.textContent !== value) {
      node.textContent = value;
    }
  });
  element.querySelectorAll("[data-status-href]").forEach((node) => {
    const value = data[node.getAttribute("data-status-href")];
    if (typeof value === "string" && value) {
      node.setAttribute("href", value);
    }
  });
  element.querySelectorAll("[data-status-when]").forEach((node) => {
    const statuses = node.getAttribute("data-status-when").split(" ");
    node.hidden = !statuses.includes(data.status);
  });
}

// Poll a status endpoint only while its work is pending. When the work finishes, either update
// the page in place (data-status-on-finish="update") or reload it once so the server renders
// the final state; a finished page is never polled or reloaded again.
function watchStatus(element) {
  const url = element.getAttribute("data-status-url");
  if (!url) {
    return;
  }
  const inPlace = element.getAttribute("data-status-on-finish") === "update";

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
    const pending = isPending(data);
    if (inPlace) {
      showStatus(element, data);
    }
    if (pending) {
      schedule();
    } else if (inPlace) {
      element.removeAttribute("data-status-url");
    } else if (!reloading) {
      reloading = true;
      window.location.reload();
    }
  }

  schedule();
}

document.querySelectorAll("[data-status-url]").forEach(watchStatus);
