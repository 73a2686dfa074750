// Review steps: "Quote this" fills a finding's evidence quote, page and section from a suggested
// passage. Without JavaScript the suggestions are still shown and can be copied by hand.
document.querySelectorAll("[data-quote-for]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => {
    const prefix = button.getAttribute("data-quote-for");
    const quote = document.getElementById(`id_${prefix}-evidence_quote`);
    const page = document.getElementById(`id_${prefix}-evidence_page`);
    const section = document.getElementById(`id_${prefix}-evidence_section`);
    if (!quote) {
      return;
    }
    quote.value = button.getAttribute("data-quote-text");
    if (page) {
      page.value = button.getAttribute("data-quote-page");
    }
    if (section) {
      section.value = button.getAttribute("data-quote-section");
    }
    quote.focus();
  });
});

// "Not relevant" tells the finder a suggestion does not answer the expectation, without leaving
// the step (nothing typed is lost): the passage is demoted for this policy version.
document.querySelectorAll("[data-not-relevant-url]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const form = button.closest("form");
    const token = form ? form.querySelector("[name=csrfmiddlewaretoken]") : null;
    const body = new FormData();
    body.append("expectation", button.getAttribute("data-expectation"));
    body.append("passage", button.getAttribute("data-passage"));
    if (token) {
      body.append("csrfmiddlewaretoken", token.value);
    }
    const suggestions = button.closest(".app-suggestions");
    const status = suggestions ? suggestions.querySelector(".app-suggestion-status") : null;
    button.disabled = true;
    const response = await fetch(button.getAttribute("data-not-relevant-url"), {
      method: "POST",
      body,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
    if (!response.ok) {
      button.disabled = false;
      if (status) {
        status.textContent = "The passage could not be marked not relevant. Try again.";
      }
      return;
    }
    const item = button.closest(".app-suggestion");
    if (item) {
      item.remove();
    }
    if (status) {
      status.textContent = "Marked not relevant. It will no longer be suggested for this expectation.";
    }
  });
});
