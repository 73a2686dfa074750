// Review steps: quote a passage of the policy as evidence in one action, and find words in it.
const pane = document.querySelector("[data-policy-pages]");

function showJsOnlyControls() {
  document.querySelectorAll(".app-js-only").forEach((element) => {
    element.hidden = false;
  });
}

// The selected text inside the policy pane and the page it starts on, or null.
function selectedPassage() {
  const selection = window.getSelection();
  if (!pane || !selection || selection.isCollapsed) {
    return null;
  }
  const text = selection.toString().replace(/\s+/g, " ").trim();
  const start = selection.anchorNode && selection.anchorNode.parentElement;
  const page = start && start.closest("[data-page]");
  if (!text || !page || !pane.contains(page)) {
    return null;
  }
  return { text, page: page.getAttribute("data-page") };
}

let lastPassage = null;
document.addEventListener("selectionchange", () => {
  const passage = selectedPassage();
  if (passage) {
    lastPassage = passage;
  }
});

document.querySelectorAll("[data-use-selection]").forEach((button) => {
  button.addEventListener("click", () => {
    const passage = selectedPassage() || lastPassage;
    const prefix = button.getAttribute("data-use-selection");
    const quote = document.getElementById(`id_${prefix}-evidence_quote`);
    const page = document.getElementById(`id_${prefix}-evidence_page`);
    if (!passage) {
      quote.focus();
      return;
    }
    quote.value = passage.text;
    page.value = passage.page;
    quote.focus();
  });
});

const find = document.querySelector("[data-policy-find]");
if (find && pane) {
  find.addEventListener("input", () => {
    const term = find.value.trim().toLowerCase();
    pane.querySelectorAll("[data-page]").forEach((page) => {
      page.hidden = term !== "" && !page.textContent.toLowerCase().includes(term);
    });
  });
}

showJsOnlyControls();
