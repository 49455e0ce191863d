// The only script of the explorer: copy buttons (shown only where the clipboard can be written).
for (const button of document.querySelectorAll("button.copy[data-copy]")) {
  if (!navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const source = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector(".copied");
    try {
      await navigator.clipboard.writeText(source.textContent);
      if (status) status.textContent = "Copied.";
      button.textContent = "Copied";
    } catch {
      if (status) status.textContent = "Could not copy: select the text instead.";
    }
  });
}
