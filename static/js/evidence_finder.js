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
